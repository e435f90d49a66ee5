/**
 * The exchanges' workflows as their clients start them (apps/cli/exchanges.ts):
 * each workflow type and its signature, without importing the workflows'
 * code (./exchanges.ts, ./weekly-list.ts) at run time.
 */
import type * as exchanges from './exchanges.js';
import type * as weeklyList from './weekly-list.js';

export type { MonjobSyncResult } from './exchanges.js';
export type { ExchangesStatus } from '../../activities/exchanges/index.js';
export type { WeeklyListInput, WeeklyListResult } from './weekly-list.js';

/** The names ./exchanges.ts and ./weekly-list.ts export their functions under (workflows/index.ts). */
export const exchangeWorkflowTypes = {
  catalogueSync: 'catalogueSync',
  monjobSync: 'monjobSync',
  indicatorReport: 'indicatorReport',
  exchangesStatusReport: 'exchangesStatusReport',
  franceTravailWeeklyList: 'franceTravailWeeklyList',
} as const;
export type CatalogueSync = typeof exchanges.catalogueSync;
export type MonjobSync = typeof exchanges.monjobSync;
export type IndicatorReport = typeof exchanges.indicatorReport;
export type ExchangesStatusReport = typeof exchanges.exchangesStatusReport;
export type FranceTravailWeeklyList = typeof weeklyList.franceTravailWeeklyList;
