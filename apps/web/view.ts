/** What every screen of the web app needs: the person viewing it and how it shows a time. */
import { type Scope } from '../../store/queries.js';
import { formatParis } from '../../domain/calendar.js';
import { type PageUser } from './layout.js';
import { type Account } from '../../store/accounts.js';

/** What a page needs of the person viewing it. */
export interface View {
  user: PageUser | undefined;
  scope: Scope;
  account: Account;
}

export const parisTime = (d: Date | string) => formatParis(new Date(d), true);
