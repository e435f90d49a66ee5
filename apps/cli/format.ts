/** How a path reads for a person: French labels, Paris times. */
import { formatParis } from '../../domain/calendar.js';
import type { PathState } from '../../domain/path/path.js';
import { deadlineLabel, stepLabel } from '../../domain/path/labels.js';

export function describePath(s: PathState): string {
  const lines = [
    `Parcours ${s.beneficiaryId} — ${stepLabel(s.step)} (territoire ${s.territory}, politique ${s.policy})`,
    `Ouverture du droit : ${formatParis(new Date(s.rightsOpenedAt), true)}`,
  ];
  if (s.orientation) {
    lines.push(
      `Orientation : ${s.orientation.track}, ${s.orientation.organisation}, référent ${s.orientation.referent}, le ${formatParis(new Date(s.orientation.decidedAt))}`,
    );
  }
  lines.push('Échéances :');
  for (const d of s.deadlines) {
    const status = d.metAt
      ? `tenue le ${formatParis(new Date(d.metAt))}`
      : d.breached
        ? 'DÉPASSÉE'
        : 'en cours';
    lines.push(
      `  - ${deadlineLabel(d.kind)}${d.period ? ` ${d.period}` : ''} : ${formatParis(new Date(d.dueAt), true)} — ${status}${d.metAt && d.breached ? ' (en retard)' : ''}`,
    );
  }
  for (const x of s.sanctions)
    lines.push(
      `Sanction : ${Math.round(x.rate * 100)} % pendant ${x.months} mois, décidée le ${formatParis(new Date(x.decidedAt))}` +
        (x.endedAt ? `, levée le ${formatParis(new Date(x.endedAt))} (${x.endedBy})` : ', en cours'),
    );
  lines.push(`Messages envoyés : ${s.notifications.length}`);
  for (const n of s.notifications)
    lines.push(`  - ${formatParis(new Date(n.at), true)} ${n.template} → ${n.to}`);
  return lines.join('\n');
}
