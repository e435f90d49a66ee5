/**
 * How a person reads and fills each act of a path: the act's French name, and
 * for each field of its data (the zod schemas of ./path-events.ts, which the
 * workflow validates) a French label, a unit, a hint and the widget that fits.
 * The fields themselves are read from the schemas (actFields), so a form cannot
 * drift from what the workflow accepts; this table only words them, and its
 * type asks a label for every field of every act (test/domain/act-fields.test.ts
 * checks the same at run time). Pure; the workflows do not import it.
 */
import { z } from '../validation.js';
import { pathEventData, type PathEventType } from './path-events.js';
import { trackLabels } from './labels.js';
import { letterLabels } from './letter-kinds.js';
import type { PathState, PathStep } from './path.js';

/** The control a field is shown as; `track`, `organisation`, `referent` are filled from their lists. */
export type Widget =
  | 'text'
  | 'textarea'
  | 'number'
  | 'checkbox'
  | 'select'
  | 'checkboxes'
  | 'datetime'
  | 'track'
  | 'organisation'
  | 'referent'
  | 'partner-call'
  /** Filled on its own screen (the contract's activity plan: the catalogue page). */
  | 'elsewhere';

export interface FieldText {
  label: string;
  hint?: string;
  unit?: string;
  widget: Widget;
  /** French labels of an enum's values (a value without one is shown as is). */
  options?: Record<string, string>;
  /** The HTML step of a number (`any` for a rate or decimal hours). */
  step?: string;
}

type DataKeys<T extends PathEventType> = keyof NonNullable<z.input<(typeof pathEventData)[T]>> & string;

/** The French name of each act, as the case page and the journal show it. */
export const actLabels: Record<PathEventType, string> = {
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
  'reminders.switched': 'Rappels activés ou coupés',
  'rights.ended': 'Sortie (fin de droit)',
  'partner.resolved': 'Transmission refusée : renvoyer ou traitée',
  'hearing.requested': 'Demande d’être entendu',
  'hearing.held': 'Audition tenue',
  'observations.waived': 'Renonciation écrite au reste du délai',
  'ep.referred': 'Saisine de l’équipe pluridisciplinaire',
  'ep.avis': 'Avis de l’équipe pluridisciplinaire',
  'appeal.filed': 'Recours administratif préalable (RAPO)',
  'appeal.answered': 'Réponse au recours',
  'removal.answered': 'Réponse de France Travail à la proposition de radiation',
  'duties.status': 'Soumission aux droits et devoirs',
  'duties.informed': 'Information sur les droits et devoirs',
  'registration.status': 'Inscription à France Travail',
  'orientation.returned': 'France Travail rend la main pour l’orientation',
  'letter.sent': 'Courrier envoyé',
  'letter.received': 'Courrier reçu par la personne (accusé de réception)',
};

const breachKinds = {
  'contract-refusal': 'Refus de signer le contrat d’engagement',
  obligations: 'Manquement aux obligations du contrat',
};
const sanctionRate: FieldText = {
  label: 'Taux de la sanction',
  unit: 'de 0 à 1 (0,3 = 30 % de l’allocation)',
  hint: 'Barèmes : docs/rules.md §1.',
  widget: 'number',
  step: 'any',
};
const sanctionMonths: FieldText = { label: 'Durée', unit: 'mois', widget: 'number', step: '1' };
const orientationFields = {
  track: { label: 'Parcours', widget: 'track', options: trackLabels },
  organisation: { label: 'Organisme référent', hint: 'Organismes de l’annuaire.', widget: 'organisation' },
  referent: {
    label: 'Référent',
    hint: 'Identifiant pseudonyme d’un référent de l’organisme choisi.',
    widget: 'referent',
  },
} satisfies Record<DataKeys<'orientation.decided'>, FieldText>;

/** Each act's data fields, worded; the type asks one entry for each field of the act's schema. */
export const actFieldTexts: { [T in PathEventType]: Record<DataKeys<T>, FieldText> } = {
  'orientation.decided': orientationFields,
  'reorientation.decided': {
    ...orientationFields,
    reason: { label: 'Motif de la réorientation', widget: 'textarea' },
  },
  'appointment.scheduled': {
    at: { label: 'Date et heure du rendez-vous', hint: 'Heure de Paris ; à venir.', widget: 'datetime' },
  },
  'appointment.attended': {},
  'appointment.missed': {
    excused: { label: 'Absence excusée', hint: 'Un motif légitime a été donné.', widget: 'checkbox' },
  },
  'diagnostic.completed': {
    barriers: {
      label: 'Freins relevés',
      hint: 'Cochez ceux qui s’appliquent (aucun : ne rien cocher).',
      widget: 'checkboxes',
      options: {
        health: 'Santé',
        disability: 'Handicap',
        housing: 'Logement',
        family: 'Situation familiale',
        mobility: 'Mobilité',
        childcare: 'Garde d’enfants',
        caregiver: 'Aidant d’un proche',
        qualification: 'Qualification',
        language: 'Maîtrise du français',
        digital: 'Numérique',
        finances: 'Difficultés financières',
        other: 'Autre',
      },
    },
  },
  'contract.signed': {
    weeklyHours: {
      label: 'Heures d’activité',
      unit: 'heures par semaine',
      hint: 'Au moins 15 heures, sauf réduction motivée ou exemption (docs/rules.md §1).',
      widget: 'number',
      step: 'any',
    },
    intensive: {
      label: 'Accompagnement intensif',
      hint: '6 mois, deux entretiens par mois.',
      widget: 'checkbox',
    },
    reduction: {
      label: 'Motif de la réduction',
      hint: 'Seulement pour moins de 15 heures : la situation de la personne.',
      widget: 'textarea',
    },
    exemption: {
      label: 'Exemption (0 heure)',
      hint: 'Seulement pour un motif légal.',
      widget: 'select',
      options: {
        health: 'Santé',
        disability: 'Handicap',
        invalidity: 'Invalidité',
        'lone-parent-childcare': 'Parent isolé sans solution de garde (enfant de moins de 12 ans)',
      },
    },
    plan: {
      label: 'Plan d’activités',
      hint: 'Se compose sur la page « plan d’activités » (catalogue de l’offre).',
      widget: 'elsewhere',
    },
  },
  'interview.held': {},
  'activity.declared': {
    hours: { label: 'Heures d’activité', unit: 'heures par semaine', widget: 'number', step: 'any' },
  },
  'breach.reported': {
    kind: { label: 'Manquement', widget: 'select', options: breachKinds },
    receivedAt: {
      label: 'Réception de la notification par la personne',
      hint: 'Si elle est connue (date certaine) ; sinon, la règle de réception s’applique.',
      widget: 'datetime',
    },
  },
  'sanction.proposed': {
    kind: { label: 'Manquement', widget: 'select', options: breachKinds },
    rate: sanctionRate,
    months: sanctionMonths,
  },
  'observations.received': {},
  'sanction.decided': {
    rate: sanctionRate,
    months: sanctionMonths,
    suppression: { label: 'Suppression (et non suspension)', widget: 'checkbox' },
    epAvis: {
      label: 'Avis de l’équipe pluridisciplinaire recueilli (ancien indicateur)',
      hint: 'Une suppression demande désormais l’avis enregistré (acte « Avis de l’équipe pluridisciplinaire »).',
      widget: 'checkbox',
    },
  },
  'hearing.requested': {
    at: {
      label: 'Date et heure de l’audition',
      hint: 'Heure de Paris ; la décision l’attend.',
      widget: 'datetime',
    },
  },
  'hearing.held': {
    attended: {
      label: 'La personne est venue',
      hint: 'Décoché : convoquée, elle ne s’est pas présentée ; la décision peut suivre.',
      widget: 'checkbox',
    },
  },
  'observations.waived': {},
  'ep.referred': {
    date: { label: 'Date de la séance', hint: 'Heure de Paris.', widget: 'datetime' },
  },
  'ep.avis': {
    favourable: { label: 'Avis favorable à la sanction', widget: 'checkbox' },
    text: { label: 'Texte de l’avis', unit: '3 000 caractères au plus', widget: 'textarea' },
  },
  'appeal.filed': {},
  'appeal.answered': {
    outcome: {
      label: 'Réponse',
      widget: 'select',
      options: { upheld: 'Décision maintenue', annulled: 'Décision annulée', reduced: 'Sanction réduite' },
    },
    rate: { ...sanctionRate, label: 'Taux réduit', hint: 'Seulement pour une sanction réduite.' },
    months: { ...sanctionMonths, label: 'Durée réduite' },
    suppression: {
      label: 'Suppression maintenue',
      hint: 'Seulement pour une sanction réduite.',
      widget: 'checkbox',
    },
    text: { label: 'Motifs de la réponse', widget: 'textarea' },
  },
  'removal.answered': {
    removed: { label: 'Radiée de la liste des demandeurs d’emploi', widget: 'checkbox' },
  },
  'duties.status': {
    concerned: {
      label: 'Soumise aux droits et devoirs',
      hint: 'Décoché : revenus d’activité d’au moins 500 € par mois (CASF L262-28) ; aucune sanction.',
      widget: 'checkbox',
    },
    since: { label: 'Depuis le', hint: 'Heure de Paris.', widget: 'datetime' },
  },
  'duties.informed': {},
  'registration.status': {
    registered: { label: 'Inscrite à France Travail', widget: 'checkbox' },
    exemption: {
      label: 'Dispense d’inscription',
      widget: 'select',
      options: { 'retirement-age': 'Âge du taux plein', invalidity: 'Invalidité (2e ou 3e catégorie)' },
    },
  },
  'orientation.returned': {},
  'compliance.resumed': {},
  'reminders.switched': {
    on: {
      label: 'Rappels activés',
      hint: 'Décoché : plus de rappel sur ce dossier (les alertes de retard partent toujours).',
      widget: 'checkbox',
    },
  },
  'review.completed': {},
  'rights.ended': {
    reason: {
      label: 'Motif de sortie',
      widget: 'select',
      options: {
        'end-of-rights': 'Fin de droit',
        'moved-out': 'Déménagement hors du département',
        job: 'Reprise d’emploi',
        death: 'Décès',
        'pcd-decision': 'Fin du droit décidée par le président du conseil départemental',
        other: 'Autre',
      },
    },
  },
  'partner.resolved': {
    call: { label: 'Transmission refusée', widget: 'partner-call' },
    action: {
      label: 'Suite donnée',
      widget: 'select',
      options: { retry: 'Renvoyer au partenaire', handled: 'Traitée hors de Jalons' },
    },
  },
  'letter.sent': {
    letter: { label: 'Courrier', widget: 'select', options: letterLabels },
    ref: { label: 'Référence du courrier', hint: 'Imprimée en tête du courrier.', widget: 'text' },
    channel: {
      label: 'Canal',
      widget: 'select',
      options: { post: 'Courrier postal', email: 'Courriel' },
    },
  },
  'letter.received': {
    letter: { label: 'Courrier', widget: 'select', options: letterLabels },
    ref: { label: 'Référence du courrier', hint: 'Imprimée en tête du courrier.', widget: 'text' },
  },
};

/** The date of any act (the envelope's `at`): now when left empty, never in the future. */
export const actDateText: FieldText = {
  label: 'Date de l’acte',
  hint: 'Heure de Paris. Vide : maintenant. Jamais dans le futur.',
  widget: 'datetime',
};

/** What a field's schema says about it. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'enum' | 'instant' | 'list' | 'other';
export interface ActField {
  name: string;
  kind: FieldKind;
  required: boolean;
  /** An enum's values (or a list's items'). */
  options?: string[];
  text: FieldText;
}

type Def = { type: string; [k: string]: unknown };
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The kind of a schema, optional and default unwrapped, a pipe read by what it takes in. */
export function fieldKind(schema: z.ZodType): { kind: FieldKind; required: boolean; options?: string[] } {
  let s = schema;
  let required = true;
  for (let depth = 0; depth < 10; depth++) {
    const def = defOf(s);
    if (def.type === 'optional' || def.type === 'default') {
      required = false;
      s = def.innerType as z.ZodType;
    } else if (def.type === 'pipe') s = def.in as z.ZodType;
    else break;
  }
  const def = defOf(s);
  const enumValues = (x: z.ZodType) => Object.values(defOf(x).entries as Record<string, string>);
  switch (def.type) {
    case 'string':
      return { kind: def.format === 'datetime' ? 'instant' : 'string', required };
    case 'number':
      return { kind: 'number', required };
    case 'boolean':
      return { kind: 'boolean', required };
    case 'enum':
      return { kind: 'enum', required, options: enumValues(s) };
    case 'array': {
      const element = def.element as z.ZodType;
      return defOf(element).type === 'enum'
        ? { kind: 'list', required, options: enumValues(element) }
        : { kind: 'other', required };
    }
    default:
      return { kind: 'other', required };
  }
}

/** The shape of an act's data schema (its object, default and strictness unwrapped). */
function shapeOf(type: PathEventType): Record<string, z.ZodType> {
  let s = pathEventData[type] as z.ZodType;
  while (defOf(s).type === 'default' || defOf(s).type === 'optional') s = defOf(s).innerType as z.ZodType;
  return (defOf(s).shape ?? {}) as Record<string, z.ZodType>;
}

/** The names of an act's data fields, read from its schema. */
export const schemaFieldNames = (type: PathEventType): string[] => Object.keys(shapeOf(type));

/**
 * An act's fields, read from its schema and worded by actFieldTexts. A field
 * without wording throws: a new field in a schema must be worded before it shows.
 */
export function actFields(type: PathEventType): ActField[] {
  const texts = actFieldTexts[type] as Record<string, FieldText>;
  return Object.entries(shapeOf(type)).map(([name, schema]) => {
    const text = texts[name];
    if (!text)
      throw new Error(`champ « ${name} » de l’acte ${type} sans libellé (domain/path/act-fields.ts)`);
    return { name, ...fieldKind(schema), text };
  });
}

/** The everyday acts, one click from the top of a case (issue 17): each with only its own fields. */
export const everydayActs: readonly PathEventType[] = [
  'appointment.attended',
  'appointment.missed',
  'interview.held',
  'activity.declared',
];

const during = (s: PathState, steps: readonly PathStep[]) => steps.includes(s.step);
const beforeContract: readonly PathStep[] = ['first-appointment', 'diagnostic', 'contract'];

/**
 * Whether the path's current step admits the act, after the preconditions of
 * ./path-machine.ts (which still decides, with the act's data and date). A
 * form is offered only for these.
 */
const offeredWhen: Record<PathEventType, (s: PathState) => boolean> = {
  'orientation.decided': (s) => s.step === 'orientation',
  'reorientation.decided': (s) => s.orientation !== null,
  'appointment.scheduled': (s) => s.step === 'first-appointment',
  'appointment.attended': (s) => s.step === 'first-appointment',
  'appointment.missed': (s) => s.step === 'first-appointment',
  'diagnostic.completed': (s) => s.step === 'diagnostic',
  'contract.signed': (s) =>
    s.orientation !== null && during(s, [...beforeContract, 'intensive-accompaniment', 'accompaniment']),
  'interview.held': (s) => s.contract !== null,
  'activity.declared': (s) => s.contract !== null,
  'breach.reported': (s) =>
    s.orientation !== null &&
    !during(s, ['sanction-procedure', 'suspension']) &&
    (s.contract !== null || during(s, beforeContract)),
  'sanction.proposed': (s) =>
    s.orientation !== null &&
    !during(s, ['sanction-procedure', 'suspension']) &&
    (s.contract !== null || during(s, beforeContract)),
  'observations.received': (s) =>
    s.step === 'sanction-procedure' && !s.procedure?.proposal && !s.procedure?.observationsReceivedAt,
  'sanction.decided': (s) => s.step === 'sanction-procedure',
  'compliance.resumed': (s) => during(s, ['sanction-procedure', 'suspension']),
  'review.completed': (s) =>
    s.deadlines.some((d) => d.kind === 'social-review' && !d.metAt && !d.cancelledAt),
  'reminders.switched': () => true,
  'partner.resolved': (s) => (s.partnerCalls ?? []).some((c) => c.status === 'failed'),
  // Sent by the mail room's batch or by e-mail (docs/courriers.md): no form; a receipt, by hand.
  'letter.sent': () => false,
  'letter.received': (s) => (s.letters ?? []).some((l) => l.receivedAt === null),
  'rights.ended': () => true,
  'hearing.requested': (s) => s.step === 'sanction-procedure' && !s.procedure?.proposal,
  'hearing.held': (s) => Boolean(s.procedure?.hearing && !s.procedure.hearing.heldAt),
  'observations.waived': (s) =>
    s.step === 'sanction-procedure' && !s.procedure?.proposal && !s.procedure?.waivedAt,
  'ep.referred': (s) => s.step === 'sanction-procedure' && !s.procedure?.ep,
  'ep.avis': (s) => Boolean(s.procedure?.ep && !s.procedure.ep.avis),
  'appeal.filed': (s) => s.sanctions.length > 0 && !s.sanctions[s.sanctions.length - 1]?.appeal,
  'appeal.answered': (s) => Boolean(s.sanctions[s.sanctions.length - 1]?.appeal?.answeredAt === null),
  'removal.answered': (s) => Boolean(s.removal && !s.removal.answeredAt),
  'duties.status': () => true,
  'duties.informed': (s) => during(s, beforeContract),
  'registration.status': () => true,
  // France Travail hands back only a person it orients, past the 6 weeks (CASF D262-65-2).
  'orientation.returned': (s) =>
    s.step === 'orientation' && s.deadlines.some((d) => d.kind === 'orientation.legal' && d.breached),
};

/** The acts a person may record at the path's current step, in the order of the path. */
export function actsOffered(s: PathState): PathEventType[] {
  if (s.status === 'closed') return [];
  return (Object.keys(offeredWhen) as PathEventType[]).filter((t) => offeredWhen[t](s));
}
