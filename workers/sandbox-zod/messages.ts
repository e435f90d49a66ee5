/**
 * The French sentences of a refusal inside the workflow sandbox: the same words as
 * zod's own French locale (domain/validation.ts sets it outside the sandbox), so a
 * refusal reads the same whichever side wrote it. test/workers/sandbox-zod.test.ts
 * compares both on every schema the workflows use.
 */
export type Path = (string | number)[];

/** One problem found in a value; `continue` says whether later checks still run (zod's rule). */
export interface Issue {
  code: string;
  path: Path;
  message: string;
  input?: unknown;
  continue?: boolean;
  [detail: string]: unknown;
}

/** What a problem is before its sentence is chosen. */
export interface RawIssue {
  code: string;
  path?: Path;
  message?: string;
  input?: unknown;
  continue?: boolean;
  [detail: string]: unknown;
}

const TYPES: Record<string, string> = {
  string: 'chaîne de caractères',
  number: 'nombre',
  int: 'entier',
  boolean: 'booléen',
  bigint: 'grand entier',
  symbol: 'symbole',
  undefined: 'indéfini',
  null: 'null',
  never: 'jamais',
  void: 'vide',
  date: 'date',
  array: 'tableau',
  object: 'objet',
  tuple: 'tuple',
  record: 'record',
  map: 'map',
  set: 'ensemble',
  file: 'fichier',
  nonoptional: 'non optionnel',
  nan: 'NaN',
  function: 'fonction',
};

const UNITS: Record<string, string> = { string: 'caractères', array: 'éléments', set: 'éléments' };

const FORMATS: Record<string, string> = {
  regex: 'expression régulière',
  email: 'adresse e-mail',
  datetime: 'date et heure ISO',
  date: 'date ISO',
};

/** The type a value shows (zod's `parsedType`). */
export function parsedType(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : 'number';
  if (typeof value !== 'object') return typeof value;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const proto: unknown = Object.getPrototypeOf(value);
  const ctor = (value as { constructor?: { name?: string } }).constructor;
  if (proto !== Object.prototype && 'constructor' in value && ctor) return String(ctor.name);
  return 'object';
}

const literal = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : String(v));
const joined = (values: unknown[], sep: string): string => values.map(literal).join(sep);

function sizeSentence(issue: RawIssue, big: boolean): string {
  const origin = String(issue.origin);
  const what = TYPES[origin] ?? 'valeur';
  const bound = `${big ? (issue.inclusive ? '<=' : '<') : issue.inclusive ? '>=' : '>'}${String(
    big ? issue.maximum : issue.minimum,
  )}`;
  const head = big ? 'Trop grand' : 'Trop petit';
  const unit = UNITS[origin];
  return unit ? `${head} : ${what} doit avoir ${bound} ${unit}` : `${head} : ${what} doit être ${bound}`;
}

function formatSentence(issue: RawIssue): string {
  switch (issue.format) {
    case 'starts_with':
      return `Chaîne de caractères invalide : doit commencer par "${String(issue.prefix)}"`;
    case 'ends_with':
      return `Chaîne de caractères invalide : doit se terminer par "${String(issue.suffix)}"`;
    case 'includes':
      return `Chaîne de caractères invalide : doit inclure "${String(issue.includes)}"`;
    case 'regex':
      return `Chaîne de caractères invalide : doit correspondre au motif ${String(issue.pattern)}`;
    default:
      return `${FORMATS[String(issue.format)] ?? String(issue.format)} invalide`;
  }
}

/** zod's French sentence for an issue nobody gave a message to. */
export function frenchSentence(issue: RawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = String(issue.expected);
      const got = parsedType(issue.input);
      const received = TYPES[got] ?? got;
      return /^[A-Z]/.test(expected)
        ? `Entrée invalide : instance de ${expected} attendu, ${received} reçu`
        : `Entrée invalide : ${TYPES[expected] ?? expected} attendu, ${received} reçu`;
    }
    case 'invalid_value': {
      const values = issue.values as unknown[];
      return values.length === 1
        ? `Entrée invalide : ${literal(values[0])} attendu`
        : `Option invalide : une valeur parmi ${joined(values, '|')} attendue`;
    }
    case 'too_big':
      return sizeSentence(issue, true);
    case 'too_small':
      return sizeSentence(issue, false);
    case 'invalid_format':
      return formatSentence(issue);
    case 'unrecognized_keys': {
      const keys = issue.keys as string[];
      const s = keys.length > 1 ? 's' : '';
      return `Clé${s} non reconnue${s} : ${joined(keys, ', ')}`;
    }
    case 'invalid_key':
      return `Clé invalide dans ${String(issue.origin)}`;
    case 'invalid_element':
      return `Valeur invalide dans ${String(issue.origin)}`;
    default:
      return 'Entrée invalide';
  }
}
