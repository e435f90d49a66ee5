/** An account as the store returns it, for tests of pages and menus that only read it. */
import type { Account } from '../../store/accounts.js';

export function testAccount(overrides: Partial<Account> = {}): Account {
  return {
    login: 'agent-1',
    role: 'agent',
    organisations: [],
    territories: [],
    allCases: false,
    disabled: false,
    sessionVersion: 1,
    hasApiToken: false,
    apiTokenExpiresAt: null,
    lastLoginAt: null,
    createdAt: '2026-01-01T08:00:00.000Z',
    sso: false,
    email: null,
    name: null,
    ...overrides,
  };
}
