/** How a path reads for a person: French labels, Paris times. */
import { formatParis } from '../../domain/calendar.js';
import type { PathState } from '../../domain/path/path.js';

export const stepLabels: Record<string, string> = {
  orientation: 'en attente d’orientation',
  'first-appointment': 'en attente du premier rendez-vous',
  diagnostic: 'en attente du diagnostic',
  contract: 'en attente du contrat d’engagement',
  'intensive-accompaniment': 'accompagnement intensif',
  accompaniment: 'accompagnement',
  'sanction-procedure': 'procédure de sanction en cours',
  suspension: 'allocation suspendue',
  closed: 'sorti',
};
export const deadlineLabels: Record<string, string> = {
  'orientation.local': 'Orientation (objectif départemental)',
  'orientation.legal': 'Orientation (délai légal)',
  'first-appointment': 'Premier rendez-vous',
  contract: 'Contrat d’engagement',
  interviews: 'Deux entretiens dans le mois',
  'social-review': 'Réexamen du parcours social',
  observations: 'Observations (10 jours)',
};

export function describePath(s: PathState): string {
  const lines = [
    `Parcours ${s.beneficiaryId} — ${stepLabels[s.step] ?? s.step} (territoire ${s.territory}, politique ${s.policy})`,
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
      `  - ${deadlineLabels[d.kind] ?? d.kind}${d.period ? ` ${d.period}` : ''} : ${formatParis(new Date(d.dueAt), true)} — ${status}${d.metAt && d.breached ? ' (en retard)' : ''}`,
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
