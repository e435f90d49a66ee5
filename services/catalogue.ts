/**
 * The offer catalogue, cached in the read model: a full sync (daily Schedule,
 * or the web app when the cache is stale) pages through the catalogue, keeps the
 * valid services and sets the others aside; the référent searches the cache, so a
 * catalogue outage never blocks the plan. When the plan is saved, the chosen
 * services are checked live (still there? places left?) — and if the catalogue
 * cannot answer, the plan is saved as entered, with a warning for the person.
 */
import { ApplicationFailure } from '@temporalio/common';
import { offerThemes, planHours, type OfferTheme, type PlanItem } from '../domain/path/activity-plan.js';
import { callPartner } from '../partners/http.js';
import { catalogueRoutes, validServices, type CatalogueService } from '../partners/catalogue.js';
import type { PartnerConfig } from '../partners/config.js';
import type { Queryable, ReadModelDb } from '../store/db.js';
import { endpointOf, fold, freshRead } from '../partners/common.js';

const PAGE_SIZE = 100;
/** A catalogue bigger than this is a broken catalogue (or a loop): the sync stops. */
const MAX_PAGES = 200;
/** Older than this, the web app refreshes the cache before searching it. */
export const CATALOGUE_STALE_MS = 24 * 3_600_000;

export interface CatalogueSyncSummary {
  at: string;
  services: number;
  removed: number;
  rejected: { id: string | null; reason: string }[];
}

/** Pages through the whole catalogue and replaces the cache with what it holds now. */
export async function syncCatalogue(db: ReadModelDb, config: PartnerConfig): Promise<CatalogueSyncSummary> {
  const endpoint = endpointOf(config, 'catalogue');
  const all: CatalogueService[] = [];
  const rejected: CatalogueSyncSummary['rejected'] = [];
  for (let page = 1, pages = 1; page <= pages; page++) {
    if (page > MAX_PAGES)
      throw ApplicationFailure.nonRetryable(
        `Le catalogue annonce plus de ${MAX_PAGES} pages de ${PAGE_SIZE} services : synchronisation arrêtée.`,
        'PartnerProtocolError',
        { partner: 'catalogue' },
      );
    const res = await callPartner(
      endpoint,
      catalogueRoutes.search,
      { page, par_page: PAGE_SIZE },
      freshRead(),
    );
    const valid = validServices(res.services);
    all.push(...valid.services);
    rejected.push(...valid.rejected);
    pages = res.pages;
  }
  if (all.length === 0)
    // An empty answer is a broken catalogue, not an empty offer: the cache is kept.
    throw ApplicationFailure.nonRetryable(
      'Le catalogue n’a renvoyé aucun service valide : le cache actuel est gardé.',
      'PartnerProtocolError',
      { partner: 'catalogue' },
    );
  const at = new Date().toISOString();
  const removed = await db.transaction(async (tx) => {
    await tx.query(
      `insert into catalogue_services (id, territory, themes, label, search_text, service, fetched_at)
       select x.id, x.territory, x.themes, x.label, x.search_text, x.service, $2
       from jsonb_to_recordset($1::jsonb) as x(id text, territory text, themes text[], label text, search_text text, service jsonb)
       on conflict (id) do update set territory = excluded.territory, themes = excluded.themes, label = excluded.label,
         search_text = excluded.search_text, service = excluded.service, fetched_at = excluded.fetched_at`,
      [JSON.stringify(all.map(cacheRow)), at],
    );
    const gone = await tx.query(`delete from catalogue_services where fetched_at < $1 returning id`, [at]);
    await saveState(tx, 'catalogue.sync', { at, services: all.length, removed: gone.length, rejected });
    return gone.length;
  });
  return { at, services: all.length, removed, rejected };
}

const cacheRow = (s: CatalogueService) => ({
  id: s.id,
  territory: s.territoire,
  themes: s.thematiques,
  label: s.nom,
  search_text: fold(`${s.nom} ${s.structure} ${s.presentation_resume} ${s.commune}`),
  service: s,
});

export async function saveState(db: Queryable, name: string, value: unknown): Promise<void> {
  await db.query(
    `insert into exchange_state (name, value, updated_at) values ($1, $2, now())
     on conflict (name) do update set value = excluded.value, updated_at = now()`,
    [name, JSON.stringify(value)],
  );
}

export async function readState<T>(db: Queryable, name: string): Promise<T | null> {
  const [r] = await db.query<{ value: T }>(`select value from exchange_state where name = $1`, [name]);
  return r?.value ?? null;
}

export interface CatalogueQuery {
  territory?: string;
  theme?: OfferTheme;
  text?: string;
}

/** The cache, searched: the services matching every criterion given, by label. */
export async function searchCatalogue(
  db: Queryable,
  q: CatalogueQuery,
  limit = 50,
): Promise<CatalogueService[]> {
  const params: unknown[] = [];
  const where: string[] = [];
  if (q.territory) where.push(`territory = $${params.push(q.territory)}`);
  if (q.theme) where.push(`$${params.push(q.theme)} = any(themes)`);
  if (q.text?.trim()) where.push(`search_text like $${params.push(`%${fold(q.text.trim())}%`)}`);
  const rows = await db.query<{ service: CatalogueService }>(
    `select service from catalogue_services ${where.length ? `where ${where.join(' and ')}` : ''}
     order by label limit ${Number(limit)}`,
    params,
  );
  return rows.map((r) => r.service);
}

export async function cachedServices(db: Queryable, ids: string[]): Promise<Map<string, CatalogueService>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ service: CatalogueService }>(
    `select service from catalogue_services where id = any($1)`,
    [ids],
  );
  return new Map(rows.map((r) => [r.service.id, r.service]));
}

export interface CheckedPlan {
  /** The plan to save: labels and themes completed from the catalogue when it answered. */
  plan: PlanItem[];
  /** What the person must know (catalogue unreachable, a full session…); the plan still saves. */
  warnings: string[];
  /** Why the plan cannot be saved (a service the catalogue does not know), or null. */
  refusal: string | null;
}

/**
 * The chosen services, checked live against the catalogue. The catalogue down
 * or refusing is not the person's problem: the plan is saved as entered, with
 * a warning saying it was not checked.
 */
export async function checkPlan(
  db: Queryable,
  config: PartnerConfig,
  plan: PlanItem[],
): Promise<CheckedPlan> {
  const ids = [...new Set(plan.flatMap((i) => (i.offerId ? [i.offerId] : [])))];
  if (ids.length === 0) return { plan, warnings: [], refusal: null };
  let live;
  try {
    live = await callPartner(endpointOf(config, 'catalogue'), catalogueRoutes.lookup, { ids }, freshRead());
  } catch (err) {
    const cached = await cachedServices(db, ids);
    return {
      plan: plan.map((i) => complete(i, i.offerId ? cached.get(i.offerId) : undefined)),
      warnings: [
        `Le catalogue de l’offre n’a pas pu être consulté (${(err as Error).message}). Le plan est enregistré tel que saisi, sans vérification des services ni des places ; vérifiez-les quand le catalogue répondra.`,
      ],
      refusal: null,
    };
  }
  if (live.missing.length)
    return {
      plan,
      warnings: [],
      refusal: `Service(s) inconnu(s) du catalogue : ${live.missing.join(', ')}. Retirez-les du plan ou saisissez l’activité sans identifiant de service.`,
    };
  const byId = new Map(validServices(live.services).services.map((s) => [s.id, s]));
  const full = [...byId.values()].filter((s) => s.places_disponibles === 0);
  return {
    plan: plan.map((i) => complete(i, i.offerId ? byId.get(i.offerId) : undefined)),
    warnings: full.map(
      (s) =>
        `Plus de place disponible dans « ${s.nom} » (${s.structure}) : voyez avec la structure avant la première séance.`,
    ),
    refusal: null,
  };
}

function complete(item: PlanItem, service: CatalogueService | undefined): PlanItem {
  if (!service) return item;
  const theme = item.theme ?? service.thematiques[0];
  return { ...item, label: item.label || service.nom, ...(theme ? { theme } : {}) };
}

/** « 12 h sur 15 h » — how much of the contract's hours the plan fills. */
export function planCoverage(plan: PlanItem[], weeklyHours: number): string {
  return `${String(planHours(plan)).replace('.', ',')} h planifiées sur ${String(weeklyHours).replace('.', ',')} h`;
}

export const themeLabel = (t: string): string => offerThemes[t as OfferTheme] ?? t;
