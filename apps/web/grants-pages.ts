/**
 * The « Subventions » screens: every cycle with where it stands (from the read
 * model), and the page of one cycle — its milestones with the act's words of
 * each deadline and how Jalons reads them, the money expected and received,
 * its history, and the forms of the acts the grants team records there.
 */
import { formatReading, type GrantState, type Ledger } from '../../domain/grants/cycle.js';
import { euros, formatEuros } from '../../domain/grants/index.js';
import { partnerOperationLabels } from '../../domain/partner-calls.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { page, type PageUser } from './layout.js';
import { region } from './view.js';
import type { ActForm } from './grants-acts.js';
import {
  daysLeft,
  deadlineWords,
  grantStatusLabels,
  milestoneStatusLabels,
  parisTime,
  programmeOf,
  type GrantRow,
} from './grants-data.js';
import { renderFields, submitButton, valueLabels, type FieldErrors, type FormValues } from './grants-form.js';

const money = (amount: number | null | undefined): string =>
  amount === null || amount === undefined ? '—' : formatEuros(euros(amount));

export const grantsNav = (current: string): Raw =>
  html`<nav class="subnav" aria-label="Subventions">
    ${[
      ['/subventions', 'Cycles'],
      ['/subventions/echeances', 'Prochaines échéances'],
      ['/subventions/calendrier', 'Agenda (iCalendar)'],
    ].map(
      ([href, label]) =>
        html`<a href="${href!}" ${raw(href === current ? ' aria-current="page"' : '')}>${label!}</a>`,
    )}
  </nav>`;

const funderLabels: Record<string, string> = {
  cnsa: 'CNSA',
  etat: 'État',
  'france-travail': 'France Travail',
};

/** Every cycle, one line each: where it stands and what comes next. */
export function grantsListPage(rows: GrantRow[], now: Date, user: PageUser | undefined): string {
  const next = (s: GrantState) =>
    s.milestones
      .filter((m) => m.applies && !m.doneAt && m.dueAt)
      .sort((a, b) => a.dueAt!.localeCompare(b.dueAt!))[0];
  const body = rows.length
    ? html`${grantsNav('/subventions')}
      ${region(
        't-cycles',
        html`<table>
          <caption id="t-cycles">
            Cycles de subvention (${rows.length})
          </caption>
          <thead>
            <tr>
              <th scope="col">Cycle</th>
              <th scope="col">Programme</th>
              <th scope="col">Financeur</th>
              <th scope="col">État</th>
              <th scope="col">Prochaine échéance</th>
              <th scope="col">Jours restants</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map((r) => {
              const m = next(r.state);
              const left = m?.dueAt ? daysLeft(m.dueAt, now) : null;
              return html`<tr>
                <th scope="row"><a href="/subventions/${r.grant_id}">${r.grant_id}</a></th>
                <td>${r.title}</td>
                <td>${funderLabels[r.funder] ?? r.funder}</td>
                <td${raw(r.status === 'not-admissible' ? ' class="late"' : '')}>${grantStatusLabels[r.status] ?? r.status}</td>
                <td>${m ? html`${m.title} — ${formatReading(new Date(m.dueAt!), m.reading)}` : '—'}</td>
                <td${raw(left && left.days <= 7 ? ' class="late"' : '')}>${left?.text ?? '—'}</td>
              </tr>`;
            })}
          </tbody>
        </table>`,
      )}`
    : html`<p>
        Aucun cycle de subvention.
        <code>npm run jalons -- subvention demarrer &lt;id&gt; --programme cnsa-ami-2026</code> en démarre un.
      </p>`;
  return page('Subventions', '/subventions', body, user);
}

function milestonesTable(s: GrantState, now: Date): Raw {
  const p = programmeOf(s);
  return region(
    't-jalons',
    html`<table>
      <caption id="t-jalons">
        Jalons et échéances
      </caption>
      <thead>
        <tr>
          <th scope="col">Jalon</th>
          <th scope="col">Échéance (heure de Paris)</th>
          <th scope="col">Les mots de l’acte et leur lecture</th>
          <th scope="col">Jours restants</th>
          <th scope="col">État</th>
        </tr>
      </thead>
      <tbody>
        ${s.milestones.map((m) => {
          const left = m.dueAt && !m.doneAt && m.applies ? daysLeft(m.dueAt, now) : null;
          const { words, reading } = deadlineWords(p, m as never);
          const status = m.applies ? (milestoneStatusLabels[m.status] ?? m.status) : 'ne s’applique pas';
          return html`<tr>
          <td>${m.title}</td>
          <td>${m.dueAt ? formatReading(new Date(m.dueAt), m.reading) : '—'}</td>
          <td>
            ${words ? html`<q>${words}</q>` : '—'}${reading ? html`<br /><span class="hint">lu : ${reading}</span>` : ''}
          </td>
          <td${raw(left && left.days <= 7 ? ' class="late"' : '')}>${left?.text ?? '—'}</td>
          <td${raw(m.status === 'missed' ? ' class="late"' : '')}>
            ${status}${m.doneAt ? ` le ${parisTime(m.doneAt)}` : ''}${m.by ? ` par ${m.by}` : ''}
            ${m.pieces.length ? html`<br /><span class="hint">pièces : ${m.pieces.join(', ')}</span>` : ''}
          </td>
        </tr>`;
        })}
      </tbody>
    </table>`,
  );
}

const cents = (c: number): string => formatEuros(c);
const entryStatus: Record<string, string> = {
  expected: 'attendu',
  conditional: 'sous condition',
  cancelled: 'annulé',
};

function ledgerRows(l: Ledger, now: Date): Raw[] {
  return l.expected.map((e) => {
    const owedBy = e.direction === 'from-departement' ? ' (à reverser par le Département)' : '';
    const late = e.status === 'expected' && e.received < e.amount && e.dueAt && e.dueAt < now.toISOString();
    return html`<tr>
      <td>${valueLabels[e.kind] ?? e.kind}${owedBy}<br /><span class="hint">${e.basis}</span></td>
      <td>${cents(e.amount)}${e.status === 'expected' ? '' : html` <span class="hint">(${entryStatus[e.status] ?? e.status})</span>`}</td>
      <td${raw(late ? ' class="late"' : '')}>${e.dueAt ? parisTime(e.dueAt) : '—'}</td>
      <td>${cents(e.received)}</td>
      <td>${e.receivedAt ? parisTime(e.receivedAt) : '—'}</td>
    </tr>`;
  });
}

/** Before the ledger (cycles recorded earlier): the payments, in euros. */
function paymentRows(s: GrantState): Raw[] {
  return s.payments.map(
    (x) =>
      html`<tr>
        <td>${valueLabels[x.kind] ?? x.kind}</td>
        <td>${money(x.amount)}</td>
        <td>${x.dueAt ? parisTime(x.dueAt) : '—'}</td>
        <td>${money(x.paid)}</td>
        <td>${x.paidAt ? parisTime(x.paidAt) : '—'}</td>
      </tr>`,
  );
}

/** The money: what is expected and what was received, with dates. */
function ledgerTable(s: GrantState, now: Date): Raw {
  // Cycles recorded in the read model before the ledger existed have none.
  const ledger = s.ledger as Ledger | undefined;
  const rows = ledger?.expected ? ledgerRows(ledger, now) : paymentRows(s);
  const receipts = ledger?.received ?? [];
  const order = ledger?.order;
  const settlement = s.settlement
    ? html`<p>
        ${s.settlement.kind === 'balance' ? 'Solde calculé' : html`<strong class="late">Reversement dû</strong>`}
        : ${money(s.settlement.amount)}, le
        ${parisTime(s.settlement.at)}${s.settlement.dueAt ? `, à reverser au plus tard le ${parisTime(s.settlement.dueAt)}` : ''}.
      </p>`
    : '';
  const decision = s.decision
    ? html`<p>
        Décision du financeur :
        ${money(s.decision.amount)}${s.decision.complementary ? html` et ${money(s.decision.complementary)} d’enveloppe complémentaire` : ''},
        le ${parisTime(s.decision.at)}.
      </p>`
    : '';
  return html`${region(
    't-argent',
    html`<table>
      <caption id="t-argent">
        Argent : attendu et reçu
      </caption>
      <thead>
        <tr>
          <th scope="col">Versement</th>
          <th scope="col">Attendu</th>
          <th scope="col">Dû le</th>
          <th scope="col">Reçu</th>
          <th scope="col">Reçu le</th>
        </tr>
      </thead>
      <tbody>
        ${
          rows.length
            ? rows
            : html`<tr>
                <td colspan="5">Aucun versement attendu pour l’instant.</td>
              </tr>`
        }
      </tbody>
    </table>`,
  )}
  ${
    receipts.length
      ? html`<p>
          Reçus enregistrés :
          ${receipts.map((r, i) => html`${i ? ' ; ' : ''}${valueLabels[r.kind] ?? r.kind} ${cents(r.amount)} le ${parisTime(r.at)}${r.by ? ` (${r.by})` : ''}`)}.
        </p>`
      : ''
  }
  ${
    order
      ? html`<p>
          <strong class="late">Ordre de reversement</strong> émis le ${parisTime(order.at)} :
          ${cents(order.amount)}${order.reference ? ` (${order.reference})` : ''}.
        </p>`
      : ''
  }
  ${decision} ${settlement}`;
}

/** What the page must say without refusing anything: a step not recorded, a co-funding rule not met. */
function adviceList(s: GrantState): Raw {
  const advice = (s as unknown as { advice?: { message: string }[] }).advice ?? [];
  const t = (
    s as unknown as {
      termination?: { kind: string; noticeAt: string; effectiveAt: string; compliedAt: string | null } | null;
    }
  ).termination;
  if (!advice.length && !t) return html``;
  return html`<div class="alert">
    <strong>À noter</strong>
    <ul>
      ${advice.map((a) => html`<li>${a.message}</li>`)}
      ${
        t
          ? html`<li>
              ${t.kind === 'breach' ? 'Mise en demeure' : 'Demande de résiliation'} du
              ${parisTime(t.noticeAt)} :
              ${t.compliedAt ? `suivie d’effet le ${parisTime(t.compliedAt)}` : `prend effet le ${parisTime(t.effectiveAt)}`}.
            </li>`
          : ''
      }
    </ul>
  </div>`;
}

const eventLabels: Record<string, string> = {
  'cycle.started': 'Cycle démarré',
  'milestone.completed': 'Jalon fait',
  'milestone.missed': 'Échéance manquée',
  'cycle.not-admissible': 'Candidature non recevable',
  'payment.received': 'Versement',
  'funder.decided': 'Décision du financeur',
  settlement: 'Solde ou ordre de reversement',
  'convention.denounced': 'Convention dénoncée',
  'convention.renewed': 'Convention reconduite',
  'cycle.completed': 'Cycle terminé',
  'cycle.readmitted': 'Cycle rouvert (fait enregistré après coup)',
  'convention.terminated': 'Convention résiliée',
  'convention.ended': 'Convention arrivée à son terme',
  'amendment.signed': 'Avenant signé',
  'formal-notice.served': 'Mise en demeure',
  'formal-notice.complied': 'Mise en demeure suivie d’effet',
  'repayment-order.issued': 'Ordre de reversement émis',
  'termination.requested': 'Demande de résiliation',
};

function historyTable(s: GrantState): Raw {
  const titles = new Map(s.milestones.map((m) => [m.id, m.title]));
  return region(
    't-historique',
    html`<table>
      <caption id="t-historique">
        Historique (${s.history.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Événement</th>
          <th scope="col">Jalon</th>
          <th scope="col">Par</th>
          <th scope="col">Détail</th>
        </tr>
      </thead>
      <tbody>
        ${[...s.history].reverse().map(
          (h) =>
            html`<tr>
              <td>${parisTime(h.at)}</td>
              <td>${eventLabels[h.event] ?? h.event}</td>
              <td>${h.milestone ? (titles.get(h.milestone) ?? h.milestone) : '—'}</td>
              <td>${h.by ?? '—'}</td>
              <td>${h.detail ?? ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>`,
  );
}

function partnerCalls(s: GrantState): Raw {
  const calls = s.partnerCalls ?? [];
  if (!calls.length) return html``;
  return html`<ul>
    ${calls.map(
      (c) =>
        html`<li>
          ${partnerOperationLabels[c.operation] ?? c.operation} (${c.id}) :
          ${c.status === 'done' ? `transmise${c.receipt ? `, accusé ${c.receipt}` : ''}` : c.status === 'pending' ? 'en cours' : html`<span class="late">refusée : ${c.error ?? ''}</span>`}
        </li>`,
    )}
  </ul>`;
}

export interface CycleView {
  state: GrantState;
  /** Only the read model answered: the page may lag behind the workflow. */
  stale: boolean;
  now: Date;
  user: PageUser | undefined;
  login: string;
  /** The forms (none for a read-only account) and the CSRF field they carry. */
  forms: ActForm[] | null;
  csrf: Raw | null;
  /** A refused act: its form, what was typed, the reasons by field. */
  refused?: { key: string; values: FormValues; errors: FieldErrors };
  done?: string;
}

function formsSection(v: CycleView): Raw {
  if (!v.forms || !v.csrf)
    return html`<p>Votre compte est en lecture seule : il ne peut enregistrer aucun acte.</p>`;
  if (!v.forms.length) return html`<p>Cycle clos : plus aucun acte possible.</p>`;
  return html`<h2>Enregistrer un acte</h2>
    <p class="hint">Les actes sont enregistrés au nom de ${v.login} (historique du cycle).</p>
    ${v.forms.map((f) => {
      const refused = v.refused?.key === f.key ? v.refused : undefined;
      const prefix = `acte-${f.key}`;
      return html`<details id="${prefix}" ${raw(refused ? ' open' : '')}>
        <summary>${f.title}</summary>
        <form method="post" action="/subventions/${v.state.id}/actes/${f.key}">
          ${v.csrf}
          ${renderFields(f.fields, {
            prefix,
            values: refused?.values ?? {},
            errors: refused?.errors ?? {},
            context: f.context,
            now: v.now,
          })}
          ${submitButton(prefix, `Enregistrer : ${f.title}`, refused?.errors ?? {})}
        </form>
      </details>`;
    })}`;
}

/** The page of one cycle. */
export function cyclePage(v: CycleView): string {
  const s = v.state;
  const body = html`${grantsNav('')}
    ${v.refused ? html`<div class="alert" role="alert"><strong>Refusé :</strong> voir le formulaire ci-dessous ; rien n’a été enregistré.</div>` : ''}
    ${v.done ? html`<div class="notice" role="status">Acte enregistré : ${v.done}.</div>` : ''}
    ${v.stale ? html`<p class="alert">Temporal ne répond pas : copie du modèle de lecture, peut-être en retard.</p>` : ''}
    <p>
      <strong>${s.title}</strong> — ${grantStatusLabels[s.status] ?? s.status}. Démarré le
      ${parisTime(s.startedAt)}${s.closedAt ? `, clos le ${parisTime(s.closedAt)}` : ''}.
      ${s.convention ? html`Convention : période du ${s.convention.start} au ${s.convention.end}${s.convention.denouncedAt ? `, dénoncée le ${parisTime(s.convention.denouncedAt)}` : ''}.` : ''}
    </p>
    ${adviceList(s)} ${milestonesTable(s, v.now)} ${ledgerTable(s, v.now)} ${partnerCalls(s)}
    ${formsSection(v)} ${historyTable(s)}`;
  return page(`Subvention ${s.id}`, '/subventions', body, v.user);
}
