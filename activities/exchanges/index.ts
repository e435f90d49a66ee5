/**
 * The exchanges with the insertion network's other systems, as activities
 * (issue 9): the weekly list to France Travail, the offer catalogue's cache,
 * MonJob62 both ways, the reports of the conventions. The workflows that run
 * them are workflows/exchanges/weekly-list.ts and workflows/exchanges/exchanges.ts.
 */
import { Context } from '@temporalio/activity';
import { getCampaign, campaignPeriod, type ConventionId, type ReportPeriod } from '../../domain/reporting.js';
import type { PartnerConfig } from '../partners/index.js';
import type { ReadModelDb } from '../../store/db.js';
import { readState, syncCatalogue, type CatalogueSyncSummary } from '../../services/catalogue.js';
import { exportPathEvents, importAssignments, type AssignmentImportSummary } from './monjob.js';
import { buildReport, type Report } from '../../store/reporting.js';
import {
  checkWeeklyListAcknowledgement,
  depositWeeklyList,
  overdueWeeks,
  prepareWeeklyList,
  recordWeeklyListFailure,
  weeklyListRecords,
  type PreparedList,
  type WeeklyListRecord,
} from './weekly-list.js';

export interface CampaignReports {
  campaign: string;
  period: ReportPeriod;
  reports: { id: string; title: string; lines: string }[];
}

export interface ExchangesStatus {
  weeklyLists: WeeklyListRecord[];
  catalogue: (CatalogueSyncSummary & { cached: number }) | null;
  monjob: { exported: number; assignments: Record<string, number> };
}

export function createExchangeActivities(deps: {
  readModel: () => Promise<ReadModelDb>;
  partners: PartnerConfig;
}) {
  const db = deps.readModel;
  return {
    /** Earlier weeks with no list deposited (the run sends them first). */
    async ftWeeklyListOverdue(input: { week: string }): Promise<string[]> {
      return overdueWeeks(await db(), input.week);
    },
    async ftWeeklyListPrepare(input: { week: string }): Promise<PreparedList> {
      return prepareWeeklyList(await db(), input.week);
    },
    async ftWeeklyListDeposit(input: { week: string }): Promise<{ depositId: string; receivedAt: string }> {
      return depositWeeklyList(await db(), deps.partners, input.week);
    },
    async ftWeeklyListAcknowledgement(input: {
      week: string;
    }): Promise<{ status: 'received' | 'accepted' | 'rejected'; message: string | null }> {
      return checkWeeklyListAcknowledgement(await db(), deps.partners, input.week);
    },
    async ftWeeklyListFailed(input: { week: string; message: string }): Promise<void> {
      await recordWeeklyListFailure(await db(), input.week, input.message);
    },
    async catalogueSync(): Promise<CatalogueSyncSummary> {
      return syncCatalogue(await db(), deps.partners);
    },
    async monjobExportEvents(): Promise<{ pushed: number; duplicates: number; batches: number }> {
      return exportPathEvents(await db(), deps.partners);
    },
    /** Applies MonJob62's assignments through the paths' Updates, with the worker's own client. */
    async monjobImportAssignments(): Promise<AssignmentImportSummary> {
      return importAssignments(await db(), deps.partners, Context.current().client);
    },
    /** Builds (and keeps) the reports of a campaign's conventions, for the period it reports on. */
    async reportingPrepareCampaign(input: { campaign: string; at: string }): Promise<CampaignReports> {
      const campaign = getCampaign(input.campaign);
      const period = campaignPeriod(campaign.period, new Date(input.at));
      const reports: CampaignReports['reports'] = [];
      for (const convention of campaign.conventions) {
        const r = await buildReport(await db(), convention, period, campaign.id);
        reports.push({
          id: r.id,
          title: r.title,
          lines: r.figures.map((f) => `${f.label} : ${f.shown}`).join('\n'),
        });
      }
      return { campaign: campaign.id, period, reports };
    },
    async reportingBuild(input: { convention: ConventionId; period: ReportPeriod }): Promise<Report> {
      return buildReport(await db(), input.convention, input.period);
    },
    async exchangesStatus(): Promise<ExchangesStatus> {
      const d = await db();
      const sync = await readState<CatalogueSyncSummary>(d, 'catalogue.sync');
      const [cached] = await d.query<{ n: number }>('select count(*)::int as n from catalogue_services');
      const [exported] = await d.query<{ n: number }>('select count(*)::int as n from monjob_exported');
      const outcomes = await d.query<{ outcome: string; n: number }>(
        'select outcome, count(*)::int as n from monjob_assignments group by outcome',
      );
      return {
        weeklyLists: await weeklyListRecords(d),
        catalogue: sync ? { ...sync, cached: cached?.n ?? 0 } : null,
        monjob: {
          exported: exported?.n ?? 0,
          assignments: Object.fromEntries(outcomes.map((o) => [o.outcome, o.n])),
        },
      };
    },
  };
}

export type ExchangeActivities = ReturnType<typeof createExchangeActivities>;
