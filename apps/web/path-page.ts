/**
 * One beneficiary's screen: the path's timeline read from its workflow, its
 * deadlines and partner calls, and the form of the acts the viewer may record
 * (the same validated Updates as the CLI).
 */
import { type View, parisTime } from './view.js';
import { pathEventTypes, type PathEventInput } from '../../domain/path/path-events.js';
import type { PathState } from '../../domain/path/path.js';
import { getPolicy } from '../../domain/policy.js';
import { deadlineLabel, stepLabel, trackLabels } from '../../domain/path/labels.js';
import { html, raw, type Raw } from '../../domain/html.js';
import { ActionRefused } from '../../services/paths.js';
import { page } from './layout.js';
import { partnerOperationLabels, type PartnerCall } from '../../domain/partner-calls.js';

export const eventLabels: Record<string, string> = {
  'orientation.decided': 'Décision d’orientation',
  'reorientation.decided': 'Réorientation',
  'appointment.scheduled': 'Rendez-vous fixé',
  'appointment.attended': 'Présence au premier rendez-vous',
  'appointment.missed': 'Absence au premier rendez-vous',
  'diagnostic.completed': 'Diagnostic réalisé',
  'contract.signed': 'Contrat d’engagement signé',
  'interview.held': 'Entretien de suivi',
  'activity.declared': 'Heures d’activité déclarées',
  'breach.reported': 'Manquement constaté',
  'sanction.proposed': 'Proposition de sanction (France Travail)',
  'observations.received': 'Observations reçues',
  'sanction.decided': 'Décision de sanction',
  'compliance.resumed': 'Reprise des engagements (remobilisation)',
  'review.completed': 'Réexamen du parcours social',
  'reminders.switched': 'Rappels activés ou coupés ({"on": false} pour couper)',
  'rights.ended': 'Sortie (fin de droit)',
  'partner.resolved':
    'Transmission refusée : renvoyer ou traitée ({"call": "…", "action": "retry" ou "handled"})',
};

export function partnerCallsTable(s: PathState): Raw {
  const calls = s.partnerCalls ?? [];
  if (calls.length === 0) return html``;
  const status = (c: PartnerCall) =>
    c.status === 'done'
      ? html`transmise${c.receipt ? ` (reçu ${c.receipt})` : ''}${c.resolution?.action === 'handled' ? ' — traitée hors de Jalons' : ''}`
      : c.status === 'pending'
        ? html`en cours`
        : html`<span class="late">refusée : ${c.error}</span> — acte « partner.resolved » avec la transmission
            « ${c.id} » (retry pour renvoyer, handled si traitée autrement)`;
  return html`<table>
    <caption>
      Transmissions aux partenaires (${calls.length})
    </caption>
    <thead>
      <tr>
        <th scope="col">Décidée le</th>
        <th scope="col">Transmission</th>
        <th scope="col">État</th>
      </tr>
    </thead>
    <tbody>
      ${calls.map(
        (c) =>
          html`<tr>
            <td>${parisTime(c.decidedAt)}</td>
            <td>${partnerOperationLabels[c.operation]}</td>
            <td>${status(c)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

export function deadlineStatus(d: PathState['deadlines'][number]): Raw {
  if (d.metAt)
    return html`<span class="${d.breached ? 'late' : 'ok'}"
      >tenue le ${parisTime(d.metAt)}${d.breached ? ' (en retard)' : ''}</span
    >`;
  if (d.cancelledAt)
    return html`<span class="late">dépassée, plus attendue depuis le ${parisTime(d.cancelledAt)}</span>`;
  return d.breached ? html`<span class="late">DÉPASSÉE</span>` : html`en cours`;
}

/** The act forms, for an account that may act (a read-only account sees none). */
export function actForm(s: PathState, values: Record<string, string>, csrf: Raw, login: string): Raw {
  if (s.status === 'closed') return html`<p>Parcours clos : plus aucun acte possible.</p>`;
  const orientation =
    s.step === 'orientation'
      ? html`<form method="post" action="/parcours/${s.beneficiaryId}/actes">
          ${csrf}
          <input type="hidden" name="seen" value="${String(s.seq)}" />
          <fieldset>
            <legend>Décision d’orientation</legend>
            <input type="hidden" name="type" value="orientation.decided" />
            <div class="field">
              <label for="o-track">Parcours</label
              ><select id="o-track" name="track">
                ${Object.entries(trackLabels).map(([v, l]) => html`<option value="${v}">${l}</option>`)}
              </select>
            </div>
            <div class="field">
              <label for="o-org">Organisme référent</label
              ><input id="o-org" name="organisation" required value="${values.organisation ?? ''}" />
            </div>
            <div class="field">
              <label for="o-ref">Référent (identifiant pseudonyme)</label
              ><input id="o-ref" name="referent" required value="${values.referent ?? ''}" />
            </div>
            <button type="submit">Enregistrer l’orientation</button>
          </fieldset>
        </form>`
      : html``;
  return html`${orientation}
    <form method="post" action="/parcours/${s.beneficiaryId}/actes">
      ${csrf}
      <input type="hidden" name="seen" value="${String(s.seq)}" />
      <fieldset>
        <legend>Enregistrer un acte</legend>
        <div class="field">
          <label for="a-type">Acte</label
          ><select id="a-type" name="type">
            ${pathEventTypes.map(
              (t) =>
                html`<option value="${t}" ${raw(values.type === t ? ' selected' : '')}>
                  ${eventLabels[t] ?? t}
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="a-data">Données (JSON)</label
          ><textarea id="a-data" name="data" rows="3" cols="60" aria-describedby="a-data-hint">
${values.data ?? '{}'}</textarea>
          <p class="hint" id="a-data-hint">
            Par exemple {"weeklyHours": 15, "intensive": true} pour un contrat, {"excused": true} pour une
            absence.
          </p>
        </div>
        <p class="hint">Les actes sont enregistrés au nom de ${login} (journal d’audit).</p>
        <button type="submit">Enregistrer l’acte</button>
      </fieldset>
    </form>`;
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

/** The steps the path went through. */
function stepsTable(s: PathState): Raw {
  return html`<table>
    <caption>
      Étapes
    </caption>
    <thead>
      <tr>
        <th scope="col">Date</th>
        <th scope="col">Étape</th>
      </tr>
    </thead>
    <tbody>
      ${s.history.map(
        (h) =>
          html`<tr>
            <td>${parisTime(h.at)}</td>
            <td>${stepLabel(h.step)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The messages sent about the path. */
function messagesTable(s: PathState): Raw {
  return html`<table>
    <caption>
      Messages envoyés (${s.notifications.length})
    </caption>
    <thead>
      <tr>
        <th scope="col">Date</th>
        <th scope="col">Destinataire</th>
        <th scope="col">Message</th>
      </tr>
    </thead>
    <tbody>
      ${s.notifications.map(
        (n) =>
          html`<tr>
            <td>${parisTime(n.at)}</td>
            <td>${n.to}</td>
            <td>${n.template}${n.failed ? html` <span class="late">(non délivré)</span>` : ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
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

export function timeline(
  s: PathState,
  view: View & { csrf: Raw | null; stopped?: Raw | null },
  message?: { error?: string; done?: string },
  values: Record<string, string> = {},
): string {
  const policy = getPolicy(s.policy);
  const body = html`${view.stopped ?? ''}${message?.error ? html`<div class="alert" role="alert"><strong>Refusé :</strong> ${message.error}</div>` : ''}
    ${message?.done ? html`<div class="notice" role="status">Acte enregistré : ${eventLabels[message.done] ?? message.done}.</div>` : ''}
    <p>
      <strong>${stepLabel(s.step)}</strong> — territoire ${s.territory}, politique ${policy.name}. Droit
      ouvert le
      ${parisTime(s.rightsOpenedAt)}.${s.orientation ? html` Orientation : ${trackLabels[s.orientation.track]}, ${s.orientation.organisation}, référent ${s.orientation.referent}.` : ''}
    </p>
    ${deadlinesTable(s)}
    ${view.csrf ? actForm(s, values, view.csrf, view.account.login) : view.stopped ? '' : html`<p>Votre compte est en lecture seule.</p>`}
    ${view.csrf && s.status !== 'closed' ? html`<p><a href="/parcours/${s.beneficiaryId}/plan">Composer le plan d’activités du contrat (catalogue de l’offre)</a></p>` : ''}
    ${stepsTable(s)} ${messagesTable(s)} ${partnerCallsTable(s)} ${sanctionsTable(s)}`;
  return page(`Parcours ${s.beneficiaryId}`, '', body, view.user);
}

/** Turns the form into the event the path's Update takes (`by` is the account, never a field). */
export function eventFromForm(form: Record<string, string>): PathEventInput {
  const { type = '', data, by: _by, _csrf, seen, ...fields } = form;
  let parsed: unknown = {};
  if (type === 'orientation.decided' && !data) parsed = fields;
  else
    try {
      parsed = JSON.parse(data?.trim() || '{}');
    } catch {
      throw new ActionRefused('Les données doivent être un objet JSON valide.');
    }
  // The revision the page showed: an act on a path changed since (another agent) is refused.
  const revision = seen !== undefined && /^\d+$/.test(seen) ? { seen: Number(seen) } : {};
  return { type, ...revision, data: parsed } as PathEventInput;
}
