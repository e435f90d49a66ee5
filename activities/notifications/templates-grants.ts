/**
 * French message templates of the grant cycles (workflows/grants/grant.ts) and of the
 * recurring duties (workflows/notifications/duty.ts), merged into the templates of
 * ./templates.ts (its helpers come from ./template-parts.ts).
 * Data are strings; instants are ISO UTC and shown in Paris time.
 */
import { formatParis } from '../../domain/calendar.js';
import { field, page, type Rendered } from './template-parts.js';

type Data = Record<string, string>;

/** `21/11/2025 (fin de journée, heure de Paris)` or `15/12/2025 à 17:00 (heure de Paris)`. */
function due(iso: string): string {
  const at = new Date(iso);
  const withTime = formatParis(at, true);
  return withTime.endsWith('23:59')
    ? `${formatParis(at)} (fin de journée, heure de Paris)`
    : `${withTime} (heure de Paris)`;
}

const shortDue = (iso: string): string => formatParis(new Date(iso));

/** The deadline as its words read it (docs/grants.md): « avant le … à 17:00 » is strict, « au plus tard le » is not. */
function reading(d: Data): string {
  const at = field(d, 'dueAt');
  return d.reading === 'strictly-before'
    ? `avant le ${formatParis(new Date(at), true)} (heure de Paris)`
    : `au plus tard le ${due(at)}`;
}

const words = (d: Data): string[] => (d.words ? [`Termes de l’acte : « ${d.words} »`] : []);

function pieces(d: Data): string[] {
  const list = (d.pieces ?? '').split('\n').filter(Boolean);
  return list.length ? [`Pièces à joindre :\n${list.map((p) => `• ${p}`).join('\n')}`] : [];
}

const cadenceLabels: Record<string, string> = {
  monthly: 'mensuelle',
  quarterly: 'trimestrielle',
  semiannual: 'semestrielle',
  yearly: 'annuelle',
  'several-a-year': 'plusieurs fois par an',
};

export const grantTemplates: Record<string, (data: Data) => Rendered> = {
  'reminder.grant-milestone': (d) => {
    const when = field(d, 'daysBefore') === '0' ? 'aujourd’hui' : `le ${shortDue(field(d, 'dueAt'))}`;
    return page(
      `[Jalons] Rappel : ${field(d, 'milestoneTitle')} (${field(d, 'grantId')}) à faire ${when === 'aujourd’hui' ? 'aujourd’hui' : `avant ${when}`}`,
      [
        'Bonjour,',
        `Subvention ${field(d, 'grantId')} — ${field(d, 'programmeTitle')}.`,
        `Échéance « ${field(d, 'milestoneTitle')} » : ${reading(d)}.`,
        ...words(d),
        ...pieces(d),
        field(d, 'consequence'),
        'Une fois fait, enregistrez-le : jalons subvention jalon ' +
          `${field(d, 'grantId')} ${field(d, 'milestone')}.`,
      ],
    );
  },
  'escalation.grant-milestone': (d) =>
    page(
      `[Jalons] Échéance manquée : ${field(d, 'milestoneTitle')} (${field(d, 'grantId')}) au ${shortDue(field(d, 'dueAt'))}`,
      [
        'Bonjour,',
        `Subvention ${field(d, 'grantId')} — ${field(d, 'programmeTitle')}.`,
        `L’échéance « ${field(d, 'milestoneTitle')} » du ${due(field(d, 'dueAt'))} est dépassée sans que le jalon soit enregistré.`,
        field(d, 'consequence'),
      ],
    ),
  'notice.grant-renewal': (d) =>
    page(`[Jalons] Convention reconduite : ${field(d, 'grantId')} jusqu’au ${shortDue(field(d, 'until'))}`, [
      'Bonjour,',
      `Sans dénonciation écrite reçue dans le mois précédant sa fin, la convention ${field(d, 'grantId')} (${field(d, 'programmeTitle')}) est reconduite pour une nouvelle période, jusqu’au ${shortDue(field(d, 'until'))}.`,
      'L’avenant de reconduction est à établir.',
      `Une dénonciation écrite sera recevable à partir du ${shortDue(field(d, 'window'))}.`,
    ]),
  'grant.partner.failed': (d) =>
    page(`[Jalons] Action requise : transmission refusée pour ${field(d, 'grantId')}`, [
      'Bonjour,',
      `${field(d, 'operation')} (subvention ${field(d, 'grantId')}, ${field(d, 'title')}) a été refusée ou n’a pu aboutir :`,
      `« ${field(d, 'error')} »`,
      `Vérifiez l’échéance du jalon : corrigez puis renvoyez la transmission, ou indiquez qu’elle a été faite hors de Jalons (« jalons subvention resoudre ${field(d, 'grantId')} ${field(d, 'call')} retry|handled »).`,
    ]),
  'notice.grant-ended': (d) =>
    page(`[Jalons] Fin de la convention ${field(d, 'grantId')} le ${shortDue(field(d, 'endsAt'))}`, [
      'Bonjour,',
      `La convention ${field(d, 'grantId')} (${field(d, 'programmeTitle')}), dénoncée le ${shortDue(field(d, 'denouncedAt'))}, a pris fin le ${shortDue(field(d, 'endsAt'))}.`,
    ]),
  'reminder.grant-termination': (d) =>
    page(
      `[Jalons] Résiliation de ${field(d, 'grantId')} le ${shortDue(field(d, 'effectiveAt'))}${field(d, 'daysBefore') === '0' ? ' (aujourd’hui)' : ''}`,
      [
        'Bonjour,',
        `Subvention ${field(d, 'grantId')} — ${field(d, 'programmeTitle')}.`,
        field(d, 'kind') === 'breach'
          ? `La mise en demeure du ${shortDue(field(d, 'noticeAt'))}, si elle reste sans effet, résilie la convention le ${due(field(d, 'effectiveAt'))}.`
          : `La demande de résiliation reçue le ${shortDue(field(d, 'noticeAt'))} prend effet le ${due(field(d, 'effectiveAt'))}.`,
        'Si la mise en demeure a été suivie d’effet, enregistrez-le (mise en demeure « complied »).',
      ],
    ),
  'notice.grant-terminated': (d) =>
    page(`[Jalons] Convention résiliée : ${field(d, 'grantId')} le ${shortDue(field(d, 'effectiveAt'))}`, [
      'Bonjour,',
      `La convention ${field(d, 'grantId')} (${field(d, 'programmeTitle')}) est résiliée depuis le ${due(field(d, 'effectiveAt'))}.`,
      'Les sommes à reverser éventuelles figurent au registre de la subvention.',
    ]),
  'reminder.grant-duty': (d) => {
    const cadence = cadenceLabels[field(d, 'cadence')] ?? field(d, 'cadence');
    return page(`[Jalons] ${field(d, 'title')} (échéance ${cadence}) — ${field(d, 'ownerTitle')}`, [
      'Bonjour,',
      `Rappel de l’échéance ${cadence}${d.atLeast === 'true' ? ' (au moins)' : ''} : ${field(d, 'title')}.`,
      `Cadre : ${field(d, 'ownerTitle')}.`,
      'Merci de la préparer et de l’inscrire à l’agenda.',
    ]);
  },
};
