/**
 * The health watch's alert (workflows/health/watch.ts), merged into the templates of
 * ./templates.ts. Pseudonymous ids only: the reason is the server's or the
 * termination's text, cut and cleaned when the incident was recorded.
 */
import { formatParis } from '../../domain/calendar.js';
import { incidentKindLabels, type IncidentKind } from '../../store/incidents.js';
import { field, page, type Rendered } from './template-parts.js';

type Data = Record<string, string>;

function what(d: Data): string {
  const id = field(d, 'workflowId');
  return field(d, 'workflowType') === 'grantCycle' ? `le cycle de subvention ${id}` : `le parcours ${id}`;
}

export const incidentTemplates: Record<string, (data: Data) => Rendered> = {
  'alert.incident': (d) => {
    const kind = incidentKindLabels[field(d, 'kind') as IncidentKind] ?? field(d, 'kind');
    const since = formatParis(new Date(field(d, 'since')), true);
    const restart =
      field(d, 'workflowType') === 'beneficiaryPath'
        ? 'Un administrateur peut le relancer depuis son dernier état enregistré : page « Santé » ou ' +
          `jalons sante relancer ${field(d, 'workflowId')}.`
        : 'Voyez la page « Santé » de Jalons et l’interface Temporal.';
    return page(`[Jalons] Incident : ${what(d)} est ${kind}`, [
      'Bonjour,',
      `${what(d).replace(/^l/, 'L')} est ${kind} depuis le ${since} (heure de Paris) : ses échéances ne ` +
        'sont plus tenues tant qu’il n’est pas relancé.',
      `Raison : ${field(d, 'reason')}`,
      restart,
    ]);
  },
};
