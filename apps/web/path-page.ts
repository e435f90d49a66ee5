/**
 * One beneficiary's screen: where the path stands and what it waits for, its
 * steps and deadlines on a timeline, its story (every act with who recorded it,
 * the messages sent, the partner calls and their answers: ./path-story.ts), and
 * the forms of the acts its step admits (./act-form.ts), the same validated
 * Updates as the CLI. A stopped path, or a read-only account, gets no form.
 */
import { type View, parisTime } from './view.js';
import type { PathState } from '../../domain/path/path.js';
import { getPolicy } from '../../domain/policy.js';
import { deadlineLabel, stepLabel, trackLabels } from '../../domain/path/labels.js';
import { actLabels } from '../../domain/path/act-fields.js';
import type { Organisation } from '../../domain/organisations.js';
import { html, type Raw } from '../../domain/html.js';
import { page } from './layout.js';
import { actForms, quickActs, type ActFormContext } from './act-form.js';
import { eventLabel, partnerBanner, storyTable } from './path-story.js';
import type { SentMessage } from '../../store/outbox.js';
import type { LetterRow } from '../../store/letters.js';
import { lettersSection } from './letters.js';

export function deadlineStatus(d: PathState['deadlines'][number]): Raw {
  if (d.metAt)
    return html`<span class="${d.breached ? 'late' : 'ok'}"
      >tenue le ${parisTime(d.metAt)}${d.breached ? ' (en retard)' : ''}</span
    >`;
  if (d.cancelledAt)
    return html`<span class="late">dépassée, plus attendue depuis le ${parisTime(d.cancelledAt)}</span>`;
  return d.breached ? html`<span class="late">DÉPASSÉE</span>` : html`en cours`;
}

/** The path's deadlines, each with its state. */
function deadlinesTable(s: PathState): Raw {
  return html`<table>
    <caption>
      Échéances
    </caption>
    <thead>
      <tr>
        <th scope="col">Échéance</th>
        <th scope="col">Pour le</th>
        <th scope="col">État</th>
      </tr>
    </thead>
    <tbody>
      ${s.deadlines.map(
        (d) =>
          html`<tr>
            <td>${deadlineLabel(d.kind)}${d.period ? ` ${d.period}` : ''}</td>
            <td>${parisTime(d.dueAt)}</td>
            <td>${deadlineStatus(d)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Steps passed and deadlines to come, in the order of time: where the path stands at a glance. */
function stepsTimeline(s: PathState, now: Date): Raw {
  const steps = s.history.map((h) => ({
    at: h.at,
    cls: 'past',
    text: html`<strong>${stepLabel(h.step)}</strong>${h.event ? ` — ${eventLabel(h.event)}` : ''}`,
  }));
  const open = s.deadlines
    .filter((d) => !d.metAt && !d.cancelledAt)
    .map((d) => ({
      at: d.dueAt,
      cls: d.breached || Date.parse(d.dueAt) < now.getTime() ? 'late' : 'due',
      text: html`Échéance :
      ${deadlineLabel(d.kind)}${d.period ? ` ${d.period}` : ''}${d.breached ? html` — <span class="late">dépassée</span>` : ' — à tenir'}`,
    }));
  const items = [...steps, ...open].sort((a, b) => a.at.localeCompare(b.at));
  return html`<h2 id="frise">Étapes et échéances</h2>
    <ol class="timeline" aria-labelledby="frise">
      ${items.map((i) => html`<li class="${i.cls}"><time datetime="${i.at}">${parisTime(i.at)}</time> ${i.text}</li>`)}
    </ol>`;
}

/** The sanctions decided, when there are any. */
function sanctionsTable(s: PathState): Raw | '' {
  return s.sanctions.length
    ? html`<table>
        <caption>
          Sanctions
        </caption>
        <thead>
          <tr>
            <th scope="col">Décidée le</th>
            <th scope="col">Taux</th>
            <th scope="col">Durée</th>
            <th scope="col">Fin</th>
          </tr>
        </thead>
        <tbody>
          ${s.sanctions.map(
            (x) =>
              html`<tr>
                <td>${parisTime(x.decidedAt)}</td>
                <td>${Math.round(x.rate * 100)} %</td>
                <td>${x.months} mois</td>
                <td>${x.endedAt ? `${parisTime(x.endedAt)} (${x.endedBy})` : 'en cours'}</td>
              </tr>`,
          )}
        </tbody>
      </table>`
    : '';
}

export interface CaseView extends View {
  /** The form's CSRF field; null: no form (read-only account or stopped path). */
  csrf: Raw | null;
  stopped?: Raw | null;
  /** What each message of the path said (store/outbox.ts), by its id. */
  sent?: Map<string, SentMessage>;
  /** The letters kept with the case (store/letters.ts): the « Courriers » section. */
  letters?: LetterRow[];
  organisations: Organisation[];
  now: Date;
}

/** What the person just did: the act recorded, or why it was refused (also shown next to its field). */
function outcome(message?: CaseMessage): Raw | '' {
  if (message?.error)
    return html`<div class="alert" role="alert"><strong>Refusé :</strong> ${message.error}</div>`;
  if (message?.done)
    return html`<div class="notice" role="status">
        Acte enregistré : ${(actLabels as Record<string, string>)[message.done] ?? message.done}.
      </div>
      ${message.warning ? html`<div class="alert" role="status">${message.warning}</div>` : ''}`;
  return '';
}

/** What the page says above the case: the act just recorded (and a warning with it), or a refusal. */
export interface CaseMessage {
  error?: string;
  done?: string;
  /** Recorded all the same, but worth saying (a référent's portfolio past its cap, docs/rules.md §2). */
  warning?: string | null;
}

function summary(s: PathState): Raw {
  const policy = getPolicy(s.policy);
  const o = s.orientation;
  return html`<p>
    <strong>${stepLabel(s.step)}</strong> — territoire ${s.territory}, politique ${policy.name}. Droit ouvert
    le
    ${parisTime(s.rightsOpenedAt)}.${o ? html` Orientation : ${trackLabels[o.track]}, ${o.organisation}, référent ${o.referent}.` : ''}
    ${lastAct(s)}
  </p>`;
}

/** The last act recorded, in words: a person reads when the case last moved, not a revision number. */
function lastAct(s: PathState): Raw {
  const last = s.journal.at(-1);
  return last
    ? html`Dernier acte : ${eventLabel(last.event)}, le ${parisTime(last.at)}.`
    : html`Aucun acte enregistré.`;
}

export function timeline(
  s: PathState,
  view: CaseView,
  message?: CaseMessage,
  refused?: ActFormContext['refused'],
): string {
  const ctx: ActFormContext | null = view.csrf
    ? { state: s, csrf: view.csrf, organisations: view.organisations, now: view.now, refused }
    : null;
  const forms = ctx
    ? html`${actForms(ctx, view.account.login)}
      ${s.status !== 'closed' && s.orientation ? html`<p><a href="/parcours/${s.beneficiaryId}/plan">Composer le plan d’activités du contrat (catalogue de l’offre)</a></p>` : ''}`
    : view.stopped
      ? ''
      : html`<p>Votre compte est en lecture seule.</p>`;
  const body = html`<link rel="stylesheet" href="/parcours.css" />
    ${outcome(message)}${view.stopped ?? ''}${partnerBanner(s)} ${summary(s)} ${ctx ? quickActs(ctx) : ''}
    ${stepsTimeline(s, view.now)} ${deadlinesTable(s)} ${forms}
    <h2>Histoire du dossier</h2>
    ${storyTable(s, view.sent)} ${sanctionsTable(s)}
    ${view.letters ? lettersSection(s.beneficiaryId, view.letters, ctx && { csrf: ctx.csrf, seen: s.seq }) : ''}`;
  return page(`Parcours ${s.beneficiaryId}`, '', body, view.user);
}

/** The case page's own styles (the timeline, the quick acts), served at /parcours.css. */
export const caseCss = `
.message pre { white-space: pre-wrap; font: inherit; margin: 0.25rem 0; }
  ol.timeline { list-style: none; padding: 0 0 0 1rem; border-left: 3px solid var(--accent, #000091); margin: .5rem 0 1.5rem; }
  ol.timeline li { margin: .35rem 0; padding-left: .5rem; position: relative; }
  ol.timeline li::before { content: ""; position: absolute; left: -1.45rem; top: .5rem; width: .7rem; height: .7rem; border-radius: 50%; background: var(--accent, #000091); }
  ol.timeline li.due::before { background: #fff; border: 2px solid var(--accent, #000091); }
  ol.timeline li.late::before { background: var(--late, #b60000); }
  ol.timeline time { font-variant-numeric: tabular-nums; margin-right: .5rem; }
  section.quick-acts { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
  section.quick-acts h2 { flex-basis: 100%; margin: .5rem 0 0; }
  form.quick { border: 1px solid #ccc; padding: .75rem; max-width: 24rem; }
  form.act { padding: .5rem 0 1rem; }
  table.story th[scope=row] { background: none; font-weight: 600; }
`;
