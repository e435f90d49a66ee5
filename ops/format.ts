/** How a path reads for a person: French labels, Paris times. */
import { formatParis } from '../domain/calendar.js';
import type { PathState } from '../domain/path.js';

const steps: Record<string, string> = {
  orientation: 'en attente d’orientation',
  oriented: 'orienté',
  closed: 'sorti',
};
const deadlines: Record<string, string> = {
  'orientation.local': 'Orientation (objectif départemental)',
  'orientation.legal': 'Orientation (délai légal)',
};

export function describePath(s: PathState): string {
  const lines = [
    `Parcours ${s.beneficiaryId} — ${steps[s.step] ?? s.step} (territoire ${s.territory}, politique ${s.policy})`,
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
      `  - ${deadlines[d.kind] ?? d.kind} : ${formatParis(new Date(d.dueAt), true)} — ${status}${d.metAt && d.breached ? ' (en retard)' : ''}`,
    );
  }
  lines.push(`Messages envoyés : ${s.notifications.length}`);
  for (const n of s.notifications)
    lines.push(`  - ${formatParis(new Date(n.at), true)} ${n.template} → ${n.to}`);
  return lines.join('\n');
}
