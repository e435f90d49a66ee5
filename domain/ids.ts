/**
 * Identifiers and their charsets. Deterministic ids: a re-import or a retried
 * start can never make a second workflow. Every identifier that reaches a
 * workflow, a search attribute, a file name or an e-mail address is ASCII
 * letters, digits and a few separators, bounded — never free text (no space, no
 * control or bidi character, nothing a terminal or a page could interpret).
 * Bounds and reasons: docs/bounds.md.
 */
import { z } from './validation.js';

/** The longest identifier (pseudonymous ids, codes, logins): far below a search attribute's 2 KB. */
export const ID_MAX = 64;
/** The longest id of a message a sender gives (a partner's event id, a transmission's id). */
export const REF_MAX = 200;

/**
 * An identifier: bounded first (a megabyte is not scanned), then its charset. An
 * empty value fails the charset (one message), unless `empty` says otherwise.
 */
const identifier = (label: string, pattern: RegExp, charset: string, max = ID_MAX, empty?: string) => {
  const text = z.string({ error: `${label} : texte attendu` });
  return (empty ? text.min(1, { message: empty, abort: true }) : text)
    .max(max, { message: `${label} : ${max} caractères au plus`, abort: true })
    .regex(pattern, `${label} : ${charset}`);
};

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const PSEUDONYMOUS = 'identifiant pseudonyme attendu (lettres sans accent, chiffres, « - », « _ », « . »)';
const CODE_CHARSET = 'code attendu (lettres sans accent, chiffres, « - », « _ », « . »)';

/** Pseudonymous ids only (never a name, never a CAF number in clear). */
export const pseudonymousIdSchema = z
  .string({ error: 'identifiant pseudonyme : texte attendu' })
  .max(ID_MAX, { message: `identifiant pseudonyme : ${ID_MAX} caractères au plus`, abort: true })
  .regex(CODE, PSEUDONYMOUS);
/** An organisation's code (organisme référent: `cd62`, `ccas-lens`, `france-travail`). */
export const organisationCodeSchema = identifier(
  'organisme référent',
  CODE,
  CODE_CHARSET,
  ID_MAX,
  'organisme référent requis',
);
/** A référent's pseudonymous code (it also names the référent's mailbox: docs/bounds.md). */
export const referentCodeSchema = identifier('référent', CODE, PSEUDONYMOUS);
/** A territory's code: lower case words joined by « - » (`lens-lievin`). */
export const territoryCodeSchema = identifier(
  'code du territoire',
  /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
  'minuscules sans accent, chiffres et « - » (ex. lens-lievin)',
);
/** Who recorded an act: an account's login or a partner's name (pseudonymous, for the audit). */
export const agentIdSchema = identifier('auteur de l’acte (by)', CODE, PSEUDONYMOUS);
/** A sender's id for an event (a second delivery of the same id is applied once). */
export const eventIdSchema = identifier(
  'identifiant d’événement',
  /^[A-Za-z0-9][A-Za-z0-9_.:#@+/-]*$/,
  'lettres sans accent, chiffres et « - _ . : # @ + / »',
  REF_MAX,
);
/** A partner's own reference (an appointment's id): the same charset and bound as an event id. */
export const partnerRefSchema = (label: string) =>
  identifier(
    label,
    /^[A-Za-z0-9][A-Za-z0-9_.:#@+/-]*$/,
    'lettres sans accent, chiffres et « - _ . : # @ + / »',
    REF_MAX,
  );
/** A partner transmission's id in a path (`caf-suspension#1`, `rdv-convocation@2026-…`). */
export const partnerCallIdSchema = identifier(
  'identifiant de la transmission',
  /^[A-Za-z0-9][A-Za-z0-9_.:#@+-]*$/,
  'lettres sans accent, chiffres et « - _ . : # @ + »',
  REF_MAX,
);
/** A departmental policy's id (`pas-de-calais`). */
export const policyIdSchema = identifier(
  'politique départementale',
  /^[a-z0-9]+(?:-[a-z0-9]+)*$/,
  'minuscules sans accent, chiffres et « - »',
);

export const pathWorkflowId = (beneficiaryId: string): string => `parcours-${beneficiaryId}`;
