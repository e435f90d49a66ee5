/**
 * The story of a case (issue 17, point 3), read from the path's own state:
 * every act with who recorded it and when (the journal, the audit trail), the
 * steps it went through, the messages sent, the partner calls and their
 * answers, in the order they happened; and the banner of a path waiting on a
 * partner.
 */
import { html, type Raw } from '../../domain/html.js';
import type { PathState } from '../../domain/path/path.js';
import { actLabels } from '../../domain/path/act-fields.js';
import { deadlineLabel, stepLabel } from '../../domain/path/labels.js';
import { partnerOperationLabels, type PartnerCall } from '../../domain/partner-calls.js';
import { parisTime } from './view.js';
import type { SentMessage } from '../../store/outbox.js';

/** What the path records by itself, beside the acts (domain/path/path-timers.ts). */
const pathEventLabels: Record<string, string> = {
  'rights.opened': 'Ouverture du droit',
  'appeal.implicit-rejection': 'Recours : rejet implicite (pas de réponse du président en 2 mois)',
  'sanction.proposal-void': 'Proposition de sanction de France Travail sans suite',
};

/** The name of a recorded event: an act, or what the path recorded by itself. */
export const eventLabel = (event: string): string =>
  (actLabels as Record<string, string>)[event] ?? pathEventLabels[event] ?? event;

/** Who a message went to: a role of the directory, or the référent's pseudonymous id. */
const recipientLabels: Record<string, string> = {
  'orientation-platform': 'plateforme d’orientation',
  referent: 'référent',
  'head-of-service': 'chef de service insertion',
  'grants-team': 'équipe des subventions',
  'france-travail': 'France Travail',
  administrators: 'administrateurs de Jalons',
};
const recipient = (to: string) => recipientLabels[to] ?? `référent ${to}`;

/** What a message said, by its template (activities/notifications/templates.ts words it at length). */
const messageLabels: Record<string, string> = {
  'convocation.new': 'Nouvelle convocation à proposer après une absence',
  'notice.sanction': 'Notification du manquement : délai d’observations ouvert',
  'decision.sanction': 'Décision de sanction',
  'proposal.sanction': 'Proposition de sanction de France Travail à examiner',
  'proposal.removal': 'Proposition de radiation',
  'partner.failed': 'Transmission refusée par un partenaire : une personne doit décider',
  'transfer.orientation': 'Délai légal dépassé : orientation confiée à France Travail',
};

/** A message's subject as the case shows it: its kind and the deadline it is about. */
export function messageSummary(n: PathState['notifications'][number]): string {
  const [kind] = n.template.split('.');
  const about = deadlineLabel(n.deadline.replace(/#\d+$/, ''));
  if (kind === 'reminder') return `Rappel avant l’échéance : ${about}`;
  if (kind === 'escalation') return `Alerte de retard : ${about}`;
  if (kind === 'warning') return `Avertissement : ${about}`;
  return messageLabels[n.template] ?? n.template;
}

interface StoryLine {
  at: string;
  what: string;
  detail: Raw | string;
  by: string;
}

const callAnswer = (c: PartnerCall): Raw =>
  c.status === 'done'
    ? html`<span class="ok">acceptée</span
        >${c.receipt ? ` (reçu ${c.receipt})` : ''}${c.doneAt ? ` le ${parisTime(c.doneAt)}` : ''}${c.resolution?.action === 'handled' ? ' — traitée hors de Jalons' : ''}`
    : c.status === 'pending'
      ? html`en attente de la réponse du partenaire`
      : html`<span class="late"
          >refusée${c.failedAt ? ` le ${parisTime(c.failedAt)}` : ''} : ${c.error ?? ''}</span
        >`;

/** What the message said, as it left (the outbox keeps it: store/outbox.ts), folded. */
const content = (m: SentMessage | undefined): Raw | '' =>
  m?.body
    ? html`<details class="message">
        <summary>Contenu du message${m.sentAt ? ` (parti le ${parisTime(m.sentAt)})` : ''}</summary>
        <p><strong>${m.subject ?? ''}</strong></p>
        <pre>${m.body}</pre>
      </details>`
    : '';

/** Every line of the story, oldest first; `sent`: what each message said, by its id. */
export function storyLines(s: PathState, sent: Map<string, SentMessage> = new Map()): StoryLine[] {
  const lines: StoryLine[] = [];
  lines.push({ at: s.rightsOpenedAt, what: 'Ouverture du droit', detail: stepLabel('orientation'), by: '—' });
  for (const j of s.journal)
    lines.push({
      at: j.at,
      what: eventLabel(j.event),
      detail: `étape : ${stepLabel(j.step)}`,
      by: j.by ?? 'non renseigné',
    });
  for (const n of s.notifications)
    lines.push({
      at: n.at,
      what: 'Message envoyé',
      detail: html`${messageSummary(n)} — à
      ${recipient(n.to)}${n.failed ? html` <span class="late">(non délivré : ${n.failed})</span>` : ''}${content(sent.get(n.id))}`,
      by: 'Jalons',
    });
  for (const c of s.partnerCalls ?? [])
    lines.push({
      at: c.decidedAt,
      what: `Transmission : ${partnerOperationLabels[c.operation]}`,
      detail: html`${callAnswer(c)}${c.resolution ? ` ; ${c.resolution.action === 'retry' ? 'renvoyée' : 'close'} par ${c.resolution.by ?? '—'} le ${parisTime(c.resolution.at)}` : ''}`,
      by: 'Jalons',
    });
  return lines.sort((a, b) => a.at.localeCompare(b.at));
}

/** The story as a table (newest first), with who did what and when. */
export function storyTable(s: PathState, sent?: Map<string, SentMessage>): Raw {
  const lines = storyLines(s, sent).reverse();
  const archived = s.compacted?.journal ?? 0;
  return html`<table class="story">
      <caption>
        Chronologie du dossier (${lines.length} événements, le plus récent en premier)
      </caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Événement</th>
          <th scope="col">Détail</th>
          <th scope="col">Par</th>
        </tr>
      </thead>
      <tbody>
        ${lines.map(
          (l) =>
            html`<tr>
              <td>${parisTime(l.at)}</td>
              <th scope="row">${l.what}</th>
              <td>${l.detail}</td>
              <td>${l.by}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      archived
        ? html`<p class="hint">
            ${archived} actes plus anciens ne sont plus dans l’état du parcours : le journal d’audit du modèle
            de lecture les garde.
          </p>`
        : ''
    }`;
}

/** The path waits on a partner: a transmission in progress, or refused and awaiting a person. */
export function partnerBanner(s: PathState): Raw | '' {
  const calls = s.partnerCalls ?? [];
  const refused = calls.filter((c) => c.status === 'failed');
  const pending = calls.filter((c) => c.status === 'pending');
  if (refused.length)
    return html`<div class="alert" role="alert">
      <strong>Transmission refusée :</strong>
      ${refused.map((c) => `${partnerOperationLabels[c.operation]} (${c.error ?? 'refusée'})`).join(' ; ')}.
      Choisissez de la renvoyer ou de la clore (acte « Transmission refusée »).
    </div>`;
  if (pending.length)
    return html`<div class="notice" role="status">
      <strong>En attente d’un partenaire :</strong>
      ${pending.map((c) => `${partnerOperationLabels[c.operation]} depuis le ${parisTime(c.decidedAt)}`).join(' ; ')}.
    </div>`;
  return '';
}
