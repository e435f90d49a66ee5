/**
 * Building a contract's weekly activity plan from the offer catalogue
 * (`/parcours/:id/plan`), and browsing the catalogue (`/catalogue`). Searches
 * read the read model's cache, refreshed from the catalogue when older than a
 * day; the plan is saved with the contract (`contract.signed`, the same
 * validated Update as everywhere). A catalogue that cannot answer never blocks
 * the plan: it is saved as entered, with a warning shown to the person.
 */
import type { Client } from '@temporalio/client';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CATALOGUE_STALE_MS,
  checkPlan,
  planCoverage,
  readState,
  searchCatalogue,
  syncCatalogue,
  themeLabel,
  type CatalogueQuery,
  type CatalogueSyncSummary,
} from '../../services/catalogue.js';
import type { CatalogueService } from '../../partners/catalogue.js';
import type { PartnerConfig } from '../../partners/config.js';
import type { ReadModelDb } from '../../store/db.js';
import { offerThemes, planSchema, type PlanItem } from '../../domain/path/activity-plan.js';
import { formatParis } from '../../domain/calendar.js';
import { exemptionReasonSchema } from '../../domain/path/national-rules.js';
import type { PathState } from '../../domain/path/path.js';
import { frenchIssues, z } from '../../domain/validation.js';
import { canAct } from '../../store/accounts.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { ActionRefused } from '../../services/paths.js';
import { csrfField, pageUser, refuse } from './access.js';
import { actFor, pathFor, PathNotFound } from './cases.js';
import { page } from './layout.js';
import { region } from './view.js';

const days = ['', 'lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.', 'dim.'];
const exemptionLabels: Record<string, string> = {
  health: 'santé',
  disability: 'handicap',
  invalidity: 'invalidité',
  'lone-parent-childcare': 'parent isolé sans solution de garde (enfant de moins de 12 ans)',
};
const FREE_ROWS = 3;

const querySchema = z.object({
  territoire: z.string().max(60).optional(),
  theme: z
    .enum(Object.keys(offerThemes) as [string, ...string[]])
    .optional()
    .catch(undefined),
  texte: z.string().max(100).optional(),
});
type SearchQuery = z.infer<typeof querySchema>;
const formSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
type Form = z.infer<typeof formSchema>;

const hoursText = (h: number) => `${String(Math.round(h * 100) / 100).replace('.', ',')} h`;

/** After a failed refresh, pages use the copy for this long before asking the catalogue again. */
const RETRY_AFTER_MS = 5 * 60_000;

/** The cache, refreshed first when stale; a warning when the catalogue could not be reached. */
function catalogueRefresher(db: ReadModelDb, partners: PartnerConfig) {
  let failure: { at: number; message: string } | null = null;
  return async (): Promise<string | null> => {
    const last = await readState<CatalogueSyncSummary>(db, 'catalogue.sync');
    if (last && Date.now() - Date.parse(last.at) < CATALOGUE_STALE_MS) return null;
    // A catalogue that hangs must not make every page wait for its timeout.
    if (!failure || Date.now() - failure.at > RETRY_AFTER_MS)
      try {
        await syncCatalogue(db, partners);
        failure = null;
        return null;
      } catch (err) {
        failure = { at: Date.now(), message: (err as Error).message };
      }
    return last
      ? `Le catalogue de l’offre ne répond pas (${failure.message}) : résultats du ${formatParis(new Date(last.at), true)}.`
      : `Le catalogue de l’offre ne répond pas (${failure.message}) et aucune copie n’est encore disponible : saisissez les activités à la main.`;
  };
}

function searchForm(action: string, q: SearchQuery): Raw {
  return html`<form class="filters" method="get" action="${action}" aria-label="Chercher dans le catalogue">
    <div>
      <label for="c-territoire">Territoire</label
      ><input id="c-territoire" name="territoire" value="${q.territoire ?? ''}" />
    </div>
    <div>
      <label for="c-theme">Thème</label
      ><select id="c-theme" name="theme">
        <option value="">Tous</option>
        ${Object.entries(offerThemes).map(
          ([v, l]) => html`<option value="${v}" ${raw(q.theme === v ? ' selected' : '')}>${l}</option>`,
        )}
      </select>
    </div>
    <div><label for="c-texte">Mots</label><input id="c-texte" name="texte" value="${q.texte ?? ''}" /></div>
    <div><button type="submit">Chercher</button></div>
  </form>`;
}

const schedule = (s: CatalogueService) =>
  s.horaires.map((h) => `${days[h.jour]} ${h.debut}–${h.fin}`).join(', ') || '—';

function servicesTable(services: CatalogueService[], selectable: boolean, form: Form = {}): Raw {
  if (services.length === 0) return html`<p>Aucun service ne correspond à cette recherche.</p>`;
  const chosen = new Set([form.offre ?? []].flat());
  return region(
    't-catalogue',
    html`<table>
      <caption id="t-catalogue">
        Services du catalogue (${services.length})
      </caption>
      <thead>
        <tr>
          ${selectable ? html`<th scope="col">Retenir</th>` : ''}
          <th scope="col">Service</th>
          <th scope="col">Thèmes</th>
          <th scope="col">Lieu</th>
          <th scope="col">Horaires</th>
          <th scope="col">Places</th>
          <th scope="col">Heures / semaine</th>
        </tr>
      </thead>
      <tbody>
        ${services.map(
          (s) => html`<tr>
          ${
            selectable
              ? html`<td>
                  <input
                    type="checkbox"
                    id="o-${s.id}"
                    name="offre"
                    value="${s.id}"
                    ${raw(chosen.has(s.id) ? 'checked' : '')}
                  />
                  <input type="hidden" name="libelle_${s.id}" value="${s.nom}" />
                  <input type="hidden" name="theme_${s.id}" value="${s.thematiques[0] ?? ''}" />
                </td>`
              : ''
          }
          <td>
            ${selectable ? html`<label for="o-${s.id}">${s.nom}</label>` : s.nom}<br /><span class="hint"
              >${s.structure} — ${s.id}</span
            >
          </td>
          <td>${s.thematiques.map(themeLabel).join(', ')}</td>
          <td>${s.commune}${s.modes_accueil.includes('a-distance') ? ' (ou à distance)' : ''}</td>
          <td>${schedule(s)}</td>
          <td${raw(s.places_disponibles === 0 ? ' class="late"' : '')}>${s.places_disponibles} / ${s.capacite}</td>
          <td>
            ${
              selectable
                ? html`<input
                    name="heures_${s.id}"
                    aria-label="heures par semaine pour ${s.nom}"
                    size="4"
                    value="${typeof form[`heures_${s.id}`] === 'string' ? (form[`heures_${s.id}`] as string) : String(s.heures_hebdomadaires).replace('.', ',')}"
                  />`
                : hoursText(s.heures_hebdomadaires)
            }
          </td>
        </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

const value = (form: Form, key: string): string => {
  const v = form[key];
  return typeof v === 'string' ? v : '';
};

function currentPlan(s: PathState): Raw {
  if (!s.contract) return html`<p>Pas encore de contrat d’engagement signé.</p>`;
  const plan = s.contract.plan ?? [];
  return html`<p>
      Contrat signé le ${formatParis(new Date(s.contract.signedAt))} : ${hoursText(s.contract.weeklyHours)}
      par semaine ${s.contract.intensive ? '(accompagnement intensif)' : ''} —
      ${planCoverage(plan, s.contract.weeklyHours)}.
    </p>
    ${
      plan.length
        ? html`<ul>
            ${plan.map(
              (i) =>
                html`<li>${i.label} — ${hoursText(i.weeklyHours)}${i.offerId ? ` (${i.offerId})` : ''}</li>`,
            )}
          </ul>`
        : ''
    }`;
}

/** Activities typed by hand (outside the catalogue, or while it is unavailable). */
function freeRows(form: Form): Raw {
  return html`<fieldset>
    <legend>Activités saisies à la main (hors catalogue, ou catalogue indisponible)</legend>
    ${Array.from({ length: FREE_ROWS }, (_, i) => i + 1).map(
      (n) =>
        html`<div class="field">
          <label for="l-${n}">Activité ${n}</label
          ><input
            id="l-${n}"
            name="libre_libelle_${n}"
            size="50"
            value="${value(form, `libre_libelle_${n}`)}"
          />
          <label for="lo-${n}">Identifiant du service (facultatif)</label
          ><input id="lo-${n}" name="libre_offre_${n}" value="${value(form, `libre_offre_${n}`)}" />
          <label for="lh-${n}">Heures / semaine</label
          ><input
            id="lh-${n}"
            name="libre_heures_${n}"
            size="4"
            value="${value(form, `libre_heures_${n}`)}"
          />
        </div>`,
    )}
  </fieldset>`;
}

function contractForm(
  s: PathState,
  q: SearchQuery,
  services: CatalogueService[],
  form: Form,
  csrf: Raw,
): Raw {
  const qs = new URLSearchParams(Object.entries(q).filter(([, v]) => v) as [string, string][]).toString();
  return html`<form method="post" action="/parcours/${s.beneficiaryId}/plan${qs ? `?${qs}` : ''}">
    ${csrf}
    <fieldset>
      <legend>Activités du catalogue</legend>
      ${servicesTable(services, true, form)}
    </fieldset>
    ${freeRows(form)}
    <fieldset>
      <legend>Contrat d’engagement</legend>
      <div class="field">
        <label for="k-hours">Heures d’activité par semaine au contrat</label
        ><input
          id="k-hours"
          name="weeklyHours"
          required
          size="4"
          value="${value(form, 'weeklyHours') || '15'}"
        />
        <p class="hint">Le plan compte pour ces heures et ne peut pas les dépasser.</p>
      </div>
      <div class="field">
        <input
          type="checkbox"
          id="k-intensive"
          name="intensive"
          value="oui"
          ${raw(value(form, 'intensive') === 'oui' ? 'checked' : '')}
        />
        <label for="k-intensive">Accompagnement intensif</label>
      </div>
      <div class="field">
        <label for="k-reduction">Motif d’une réduction sous 15 h</label
        ><input id="k-reduction" name="reduction" size="50" value="${value(form, 'reduction')}" />
      </div>
      <div class="field">
        <label for="k-exemption">Exemption (0 h)</label
        ><select id="k-exemption" name="exemption">
          <option value="">Aucune</option>
          ${Object.entries(exemptionLabels).map(
            ([v, l]) =>
              html`<option value="${v}" ${raw(value(form, 'exemption') === v ? ' selected' : '')}>
                ${l}
              </option>`,
          )}
        </select>
      </div>
      <button type="submit">Enregistrer le contrat et son plan</button>
    </fieldset>
  </form>`;
}

const number = (raw: string, what: string): number => {
  const n = Number(raw.trim().replace(',', '.'));
  if (!raw.trim() || !Number.isFinite(n)) throw new ActionRefused(`${what} : nombre attendu.`);
  return n;
};

/** The plan and the contract the form describes; a French refusal when it does not parse. */
export function contractFromForm(form: Form): {
  weeklyHours: number;
  intensive: boolean;
  reduction?: string;
  exemption?: z.infer<typeof exemptionReasonSchema>;
  plan: PlanItem[];
} {
  const items: unknown[] = [];
  for (const id of [form.offre ?? []].flat()) {
    const theme = value(form, `theme_${id}`);
    items.push({
      offerId: id,
      label: value(form, `libelle_${id}`) || id,
      weeklyHours: number(value(form, `heures_${id}`), `heures par semaine de ${id}`),
      ...(theme ? { theme } : {}),
    });
  }
  for (let n = 1; n <= FREE_ROWS; n++) {
    const label = value(form, `libre_libelle_${n}`).trim();
    if (!label) continue;
    const offerId = value(form, `libre_offre_${n}`).trim();
    items.push({
      label,
      weeklyHours: number(value(form, `libre_heures_${n}`), `heures par semaine de l’activité ${n}`),
      ...(offerId ? { offerId } : {}),
    });
  }
  const plan = planSchema.safeParse(items);
  if (!plan.success) throw new ActionRefused(`Plan d’activités invalide : ${frenchIssues(plan.error)}`);
  const exemption = exemptionReasonSchema.safeParse(value(form, 'exemption'));
  const reduction = value(form, 'reduction').trim();
  return {
    weeklyHours: number(value(form, 'weeklyHours'), 'heures par semaine du contrat'),
    intensive: value(form, 'intensive') === 'oui',
    ...(reduction ? { reduction } : {}),
    ...(exemption.success ? { exemption: exemption.data } : {}),
    plan: plan.data,
  };
}

export interface CataloguePagesOptions {
  client: Client;
  db: ReadModelDb;
  partners: PartnerConfig;
}

interface Message {
  error?: string;
  done?: boolean;
  warnings: string[];
}

export function cataloguePages(app: FastifyInstance, { client, db, partners }: CataloguePagesOptions): void {
  const send = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
  const queryOf = (req: FastifyRequest, s?: PathState): SearchQuery => {
    const q = querySchema.safeParse(req.query ?? {});
    const parsed = q.success ? q.data : {};
    return { ...parsed, territoire: parsed.territoire ?? s?.territory };
  };
  const freshCatalogue = catalogueRefresher(db, partners);
  const search = async (q: SearchQuery) => {
    const warning = await freshCatalogue();
    const cq: CatalogueQuery = {
      ...(q.territoire ? { territory: q.territoire } : {}),
      ...(q.theme ? { theme: q.theme as CatalogueQuery['theme'] } : {}),
      ...(q.texte ? { text: q.texte } : {}),
    };
    return { services: await searchCatalogue(db, cq), warnings: warning ? [warning] : [] };
  };

  async function planPage(
    req: FastifyRequest,
    reply: FastifyReply,
    s: PathState,
    m: Message,
    form: Form = {},
  ) {
    const q = queryOf(req, s);
    const found = await search(q);
    const account = req.account!;
    const warnings = [...m.warnings, ...found.warnings];
    const body = html`${m.error ? html`<div class="alert" role="alert"><strong>Refusé :</strong> ${m.error}</div>` : ''}
      ${m.done ? html`<div class="notice" role="status">Contrat d’engagement et plan d’activités enregistrés.</div>` : ''}
      ${warnings.map((w) => html`<div class="alert" role="alert"><strong>Attention :</strong> ${w}</div>`)}
      <p><a href="/parcours/${s.beneficiaryId}">Retour au parcours ${s.beneficiaryId}</a></p>
      ${currentPlan(s)} ${searchForm(`/parcours/${s.beneficiaryId}/plan`, q)}
      ${
        canAct(account) && s.status === 'active'
          ? contractForm(s, q, found.services, form, csrfField(reply))
          : html`<p>Votre compte est en lecture seule, ou le parcours est clos.</p>
              ${servicesTable(found.services, false)}`
      }`;
    return send(reply, page(`Plan d’activités — ${s.beneficiaryId}`, '', body, pageUser(req, reply)));
  }

  app.get<{ Params: { id: string } }>('/parcours/:id/plan', async (req, reply) => {
    try {
      return await planPage(req, reply, await pathFor(client, req.account!, req.params.id), { warnings: [] });
    } catch (err) {
      if (err instanceof PathNotFound) return refuse(req, reply, 404, err.message);
      throw err;
    }
  });

  app.post<{ Params: { id: string } }>('/parcours/:id/plan', async (req, reply) => {
    const id = req.params.id;
    const form = formSchema.safeParse(req.body ?? {});
    if (!form.success) return refuse(req, reply, 400, 'Formulaire invalide.');
    let state: PathState;
    try {
      state = await pathFor(client, req.account!, id);
    } catch (err) {
      if (err instanceof PathNotFound) return refuse(req, reply, 404, err.message);
      throw err;
    }
    try {
      const contract = contractFromForm(form.data);
      const checked = await checkPlan(db, partners, contract.plan);
      if (checked.refusal) throw new ActionRefused(checked.refusal);
      const saved = await actFor(client, req.account!, id, {
        type: 'contract.signed',
        data: { ...contract, plan: checked.plan },
      });
      return await planPage(req, reply, saved, { done: true, warnings: checked.warnings });
    } catch (err) {
      if (!(err instanceof ActionRefused)) throw err;
      reply.code(422);
      return planPage(req, reply, state, { error: err.message, warnings: [] }, form.data);
    }
  });

  catalogueRoute(app, queryOf, search);
}

/** « Catalogue de l’offre »: the copy of the catalogue, searched. */
function catalogueRoute(
  app: FastifyInstance,
  queryOf: (req: FastifyRequest) => SearchQuery,
  search: (q: SearchQuery) => Promise<{ services: CatalogueService[]; warnings: string[] }>,
): void {
  app.get('/catalogue', async (req, reply) => {
    const q = queryOf(req);
    const found = await search(q);
    const body = html`${found.warnings.map((w) => html`<div class="alert" role="alert">${w}</div>`)}
      <p>
        Offre d’insertion référencée (copie du catalogue, mise à jour chaque jour). Pour l’ajouter au plan
        d’une personne : page « Plan d’activités » de son parcours (/parcours/&lt;identifiant&gt;/plan).
      </p>
      ${searchForm('/catalogue', q)} ${servicesTable(found.services, false)}`;
    return reply
      .type('text/html; charset=utf-8')
      .send(page('Catalogue de l’offre d’insertion', '/catalogue', body, pageUser(req, reply)));
  });
}
