/** The menu shows each account what it may open: the mail room's « Courriers » to whoever prints for the Département. */
import { expect, it } from 'vitest';
import { hiddenSectionsFor } from '../../apps/web/access.js';
import type { Account } from '../../store/accounts.js';
import { testAccount } from '../support/accounts.js';

const account = (role: Account['role'], allCases: boolean): Account =>
  testAccount({ role, allCases, organisations: allCases ? [] : ['cd62'] });

it('« Courriers » for an agent or an administrator who sees every case, hidden otherwise', () => {
  expect(hiddenSectionsFor(account('agent', true))).not.toContain('/courriers');
  expect(hiddenSectionsFor(account('admin', true))).not.toContain('/courriers');
  expect(hiddenSectionsFor(account('agent', false))).toContain('/courriers');
  expect(hiddenSectionsFor(account('lecture', true))).toContain('/courriers');
});
