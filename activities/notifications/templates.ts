/**
 * French message templates, text and HTML, one per stable template id.
 * Data carries pseudonymous ids only: the person's file is opened in the app.
 */
import { ApplicationFailure } from '@temporalio/common';
import { formatParis } from '../../domain/calendar.js';
import type { DeadlineKind } from '../../domain/path/path.js';
import { grantTemplates } from './templates-grants.js';
import { exchangeTemplates } from './templates-exchanges.js';
import { incidentTemplates } from './templates-incidents.js';
import { letterTemplates } from './templates-letters.js';
import { field, page, withLink, type Data, type RenderContext, type Rendered } from './template-parts.js';
import { caseUrl, pageOf } from './links.js';

export { field, page, type Rendered };

const deadlineLabels: Record<DeadlineKind, string> = {
  'orientation.local': 'objectif départemental d’orientation',
  'orientation.legal': 'délai légal d’orientation (6 semaines, CASF D262-65-2)',
  'first-appointment': 'premier rendez-vous avec le référent (objectif départemental)',
  contract: 'signature du contrat d’engagement (1 mois après l’orientation, CT D5411-14-1)',
  interviews: 'deux entretiens dans le mois (accompagnement intensif)',
  'social-review': 'réexamen du parcours social (CASF L262-31)',
  observations: 'délai de 10 jours pour présenter des observations (décret 2025-478)',
  'contract.stock': 'contrat d’engagement des personnes déjà accompagnées (avant le 01/01/2027)',
  'france-travail-proposal': 'réponse à une proposition de sanction de France Travail',
  appeal: 'réponse au recours administratif préalable (2 mois, CASF R262-88 ; le silence vaut rejet)',
  removal: 'réponse de France Travail à la proposition de radiation (CASF L262-37 III)',
};

/** A deadline kind from the message's data: shown as is when it is not one. */
const deadlineLabel = (kind: string): string => (deadlineLabels as Record<string, string>)[kind] ?? kind;

/** A reminder or an escalation about one deadline of a path, for the référent or a manager. */
function pathDeadlineMessage(kind: 'reminder' | 'escalation', what: string, advice: string) {
  return (d: Data): Rendered => {
    const id = field(d, 'beneficiaryId');
    const due = formatParis(new Date(field(d, 'dueAt')));
    const label = deadlineLabel(field(d, 'deadline'));
    return kind === 'reminder'
      ? page(`[Jalons] Rappel : ${what} de ${id} avant le ${due}`, [
          'Bonjour,',
          `Le dossier ${id} (territoire ${field(d, 'territory')}) a une échéance proche : ${label}, le ${due} (fin de journée, heure de Paris).`,
          advice,
        ])
      : page(`[Jalons] Retard : ${what} de ${id} non fait au ${due}`, [
          'Bonjour,',
          `L’échéance « ${label} » du dossier ${id} (territoire ${field(d, 'territory')}) est dépassée depuis le ${due}.`,
          advice,
        ]);
  };
}

const templates: Record<string, (data: Data, ctx: RenderContext) => Rendered> = {
  'reminder.orientation': (d) => {
    const due = new Date(field(d, 'dueAt'));
    const label = deadlineLabel(field(d, 'deadline'));
    return page(
      `[Jalons] Rappel : orientation de ${field(d, 'beneficiaryId')} à décider avant le ${formatParis(due)}`,
      [
        'Bonjour,',
        `Le dossier ${field(d, 'beneficiaryId')} (territoire ${field(d, 'territory')}) attend une décision d’orientation.`,
        `Échéance : ${label}, le ${formatParis(due)} (fin de journée, heure de Paris).`,
        d.deadline === 'orientation.legal'
          ? 'Passé ce délai, l’orientation revient à France Travail.'
          : 'Merci d’inscrire ce dossier à la prochaine commission d’orientation.',
      ],
    );
  },
  'escalation.orientation': (d) => {
    const due = new Date(field(d, 'dueAt'));
    const label = deadlineLabel(field(d, 'deadline'));
    return page(
      `[Jalons] Retard : orientation de ${field(d, 'beneficiaryId')} non décidée au ${formatParis(due)}`,
      [
        'Bonjour,',
        `L’échéance « ${label} » du dossier ${field(d, 'beneficiaryId')} (territoire ${field(d, 'territory')}) est dépassée depuis le ${formatParis(due)}.`,
        d.deadline === 'orientation.legal'
          ? 'Le délai légal de 6 semaines est écoulé : France Travail est compétent pour orienter la personne.'
          : 'Le délai légal de 6 semaines court toujours : une décision rapide reste possible.',
      ],
    );
  },
};

Object.assign(templates, {
  'reminder.first-appointment': pathDeadlineMessage(
    'reminder',
    'premier rendez-vous',
    'Merci de convoquer la personne : le diagnostic global se fait à ce rendez-vous.',
  ),
  'escalation.first-appointment': pathDeadlineMessage(
    'escalation',
    'premier rendez-vous',
    'Le contrat d’engagement doit être signé dans le mois qui suit l’orientation : une convocation rapide s’impose.',
  ),
  'reminder.contract': pathDeadlineMessage(
    'reminder',
    'contrat d’engagement',
    'Le contrat fixe le plan d’action et au moins 15 heures d’activité par semaine (sauf réduction ou exemption motivée).',
  ),
  'escalation.contract': pathDeadlineMessage(
    'escalation',
    'contrat d’engagement',
    'Le délai d’un mois après l’orientation est dépassé : examinez la situation avec le référent.',
  ),
  'warning.interviews': (d: Data) =>
    page(`[Jalons] Entretiens : ${field(d, 'beneficiaryId')} n’a pas eu ses deux entretiens du mois`, [
      'Bonjour,',
      `En accompagnement intensif, le dossier ${field(d, 'beneficiaryId')} doit compter au moins deux entretiens en ${d.period ?? 'ce mois'} ; le mois se termine le ${formatParis(new Date(field(d, 'dueAt')))}.`,
      'Merci de planifier le ou les entretiens manquants avant la fin du mois.',
    ]),
  'escalation.interviews': pathDeadlineMessage(
    'escalation',
    'entretiens mensuels',
    'Le mois s’est terminé avec moins de deux entretiens : l’intensité de l’accompagnement n’est pas tenue.',
  ),
  'reminder.social-review': pathDeadlineMessage(
    'reminder',
    'réexamen du parcours social',
    'Un diagnostic conjoint doit dire si une nouvelle orientation est possible.',
  ),
  'escalation.social-review': pathDeadlineMessage(
    'escalation',
    'réexamen du parcours social',
    'Le réexamen prévu par la loi n’a pas été enregistré.',
  ),
  'transfer.orientation': (d: Data) =>
    page(`[Jalons] Orientation par France Travail : ${field(d, 'beneficiaryId')}`, [
      'Bonjour,',
      `Le Département n’a pas orienté le dossier ${field(d, 'beneficiaryId')} dans le délai légal de 6 semaines, échu le ${formatParis(new Date(field(d, 'dueAt')))}.`,
      'Conformément à l’article D262-65-2 du CASF, il revient à France Travail d’orienter la personne.',
    ]),
  'convocation.new': (d: Data) =>
    page(`[Jalons] Rendez-vous manqué : nouvelle convocation pour ${field(d, 'beneficiaryId')}`, [
      'Bonjour,',
      `La personne du dossier ${field(d, 'beneficiaryId')} ne s’est pas présentée au premier rendez-vous.`,
      'Merci de fixer une nouvelle convocation ; si l’absence n’est pas justifiée, un manquement peut être signalé.',
    ]),
  'notice.sanction': (d: Data) =>
    page(`[Jalons] Procédure de sanction engagée : ${field(d, 'beneficiaryId')}`, [
      'Bonjour,',
      `Une procédure de suspension-remobilisation est engagée pour le dossier ${field(d, 'beneficiaryId')}.`,
      `La personne peut présenter ses observations ou demander à être entendue jusqu’au ${formatParis(new Date(field(d, 'dueAt')))} inclus ; aucune décision avant cette date.`,
    ]),
  'decision.sanction': (d: Data) =>
    page(`[Jalons] Décision de sanction possible : ${field(d, 'beneficiaryId')}`, [
      'Bonjour,',
      `Le délai d’observations du dossier ${field(d, 'beneficiaryId')} s’est clos le ${formatParis(new Date(field(d, 'dueAt')))}.`,
      'La décision peut être prise : taux d’au moins 30 %, plafonné à 50 % pour un foyer de plus d’une personne ou un RSA majoré.',
    ]),
  'digest.referent': (d: Data, ctx: RenderContext) => {
    // Each line links to its case (a référent opens it from the message).
    const link = (id: string) => (ctx.publicUrl ? ` : ${caseUrl(ctx.publicUrl, id)}` : '');
    const lines = (key: string) =>
      (d[key] ?? '')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [id = '', kind, due] = l.split('|');
          return `• ${id} — ${kind === undefined ? kind : deadlineLabel(kind)} — ${formatParis(new Date(due ?? ''))}${link(id)}`;
        });
    const due = lines('due');
    const late = lines('late');
    return page(`[Jalons] Vos échéances de la semaine (${due.length} à venir, ${late.length} en retard)`, [
      'Bonjour,',
      late.length ? `En retard :\n${late.join('\n')}` : 'Aucun dossier en retard.',
      due.length ? `Dans les 7 jours :\n${due.join('\n')}` : 'Aucune échéance dans les 7 jours.',
      ctx.publicUrl && d.referent
        ? `Toutes vos échéances : ${ctx.publicUrl}/?referent=${encodeURIComponent(d.referent)}`
        : 'Le détail de chaque dossier est dans l’application d’exploitation.',
    ]);
  },
  'proposal.sanction': (d: Data) =>
    page(`[Jalons] Proposition de sanction de France Travail : ${field(d, 'beneficiaryId')}`, [
      'Bonjour,',
      `France Travail propose une sanction pour le dossier ${field(d, 'beneficiaryId')}.`,
      `Le président du conseil départemental peut décider lui-même jusqu’au ${formatParis(new Date(field(d, 'dueAt')))} inclus ; sans réponse, France Travail prononce la suspension proposée (CASF L262-37 IV).`,
    ]),
  'partner.failed': (d: Data) =>
    page(`[Jalons] Action requise : transmission refusée pour ${field(d, 'beneficiaryId')}`, [
      'Bonjour,',
      `${field(d, 'operation')} (dossier ${field(d, 'beneficiaryId')}, territoire ${field(d, 'territory')}) a été refusée par le partenaire :`,
      `« ${field(d, 'error')} »`,
      `Corrigez la situation puis, sur la fiche du dossier, renvoyez la transmission ou indiquez qu’elle a été traitée hors de Jalons (acte « partner.resolved », transmission « ${field(d, 'call')} »).`,
    ]),
  'reminder.removal': pathDeadlineMessage(
    'reminder',
    'la suite de la proposition de radiation',
    'Relevez la réponse de France Travail (acte « removal.answered ») ; sans reprise des engagements, le président du conseil départemental peut mettre fin au droit (sortie « pcd-decision »).',
  ),
  'escalation.removal': pathDeadlineMessage(
    'escalation',
    'la suite de la proposition de radiation',
    'Relevez la réponse de France Travail (acte « removal.answered ») ou décidez de la fin du droit (sortie « pcd-decision »).',
  ),
  'proposal.removal': (d: Data) =>
    page(`[Jalons] Proposition de radiation : ${field(d, 'beneficiaryId')}`, [
      'Bonjour,',
      `L’allocation du dossier ${field(d, 'beneficiaryId')} a été supprimée en totalité pendant quatre mois sans reprise des engagements.`,
      'Le président du conseil départemental propose la radiation de la liste des demandeurs d’emploi (CASF L262-37 III).',
    ]),
});

/**
 * The message of `template` with `data`; with the web app's public address, it
 * ends with a link to the page it is about (a case, a grant cycle: ./links.ts).
 */
export function render(template: string, data: Data, ctx: RenderContext = {}): Rendered {
  // Looked up at call time: templates-grants.ts uses this module's helpers (a cycle at load otherwise).
  const make =
    templates[template] ??
    grantTemplates[template] ??
    exchangeTemplates[template] ??
    incidentTemplates[template] ??
    letterTemplates[template];
  if (!make)
    throw ApplicationFailure.nonRetryable(`Gabarit de message inconnu : « ${template} ».`, 'UnknownTemplate');
  const rendered = make(data, ctx);
  return ctx.publicUrl ? withLink(rendered, pageOf(ctx.publicUrl, data)) : rendered;
}
