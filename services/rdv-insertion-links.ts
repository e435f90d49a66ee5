/**
 * Links between Jalons' pseudonymous ids and RDV-Insertion's users, imported from
 * RDV-Insertion's user list (`GET …/organisations/{org}/users`, 30 a page): a user whose
 * `department_internal_id` is a pseudonymous id is that person (docs/rdv-insertion.md).
 * Only the two ids are kept. The published search does not look into
 * `department_internal_id`, hence the pages.
 */
import { pseudonymousIdSchema } from '../domain/ids.js';
import type { RdvInsertionClient } from '../partners/rdv-insertion-client.js';
import type { Queryable } from '../store/queryable.js';
import { linkRdviUser } from '../store/rdv-insertion.js';

/** Pages read at most by one import: 30 000 users, far above one organisation's caseload. */
export const IMPORT_MAX_PAGES = 1000;

export interface LinkImport {
  organisationId: number;
  pages: number;
  users: number;
  linked: number;
  /** RDV-Insertion's user of `find`, when asked for and met. */
  found: number | null;
}

/** Reads the organisation's users page by page and links each one carrying a pseudonymous id. */
export async function importRdviLinks(
  client: RdvInsertionClient,
  db: Queryable,
  organisationId: number,
  options: { find?: string; maxPages?: number } = {},
): Promise<LinkImport> {
  const result: LinkImport = { organisationId, pages: 0, users: 0, linked: 0, found: null };
  let page: number | null = 1;
  while (page !== null && result.pages < (options.maxPages ?? IMPORT_MAX_PAGES)) {
    const answer = await client.listUsers(organisationId, page);
    result.pages += 1;
    for (const user of answer.users) {
      result.users += 1;
      const id = pseudonymousIdSchema.safeParse(user.department_internal_id);
      if (!id.success) continue;
      await linkRdviUser(db, id.data, user.id, 'import');
      result.linked += 1;
      if (id.data === options.find) result.found = user.id;
    }
    // Looking for one person: stop at the page where they are.
    if (result.found !== null) break;
    page = answer.pagination.next_page ?? null;
  }
  return result;
}

export const describeLinkImport = (r: LinkImport): string =>
  `Organisation RDV-Solidarités ${r.organisationId} : ${r.users} usager(s) lu(s) sur ${r.pages} page(s), ` +
  `${r.linked} lié(s) à un identifiant pseudonyme de Jalons.`;
