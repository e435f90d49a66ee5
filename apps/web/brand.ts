/**
 * The Département's own look, from settings: its name (JALONS_DEPARTEMENT_NOM),
 * its logo (JALONS_LOGO, an image file served at /logo) and its colour
 * (JALONS_COULEUR, #rrggbb). Without them the look is neutral; the State's
 * identity (DSFR, Marianne, « bleu France ») is reserved to State services and
 * is never the default. The colour carries white text (header, buttons) and is
 * the links' colour on white: a colour below the 4.5:1 contrast of RGAA 3.2 /
 * WCAG 1.4.3 is refused at start, in French, with the contrast it gives.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { frenchIssues, z } from '../../domain/validation.js';

/** A dark slate: neutral, 10:1 against white. */
export const DEFAULT_COLOUR = '#2e3c4b';
/** The largest logo file served (a header image, not a photograph). */
export const LOGO_MAX_BYTES = 512 * 1024;
export const logoTypes: Record<string, string> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** WCAG 2 relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
}

/** The contrast ratio of a #rrggbb colour against white (1 to 21). */
export const contrastWithWhite = (hex: string): number => 1.05 / (luminance(hex) + 0.05);

function logoProblem(path: string | undefined): string | null {
  if (!path) return null;
  if (!(extname(path).toLowerCase() in logoTypes)) return 'fichier .png, .svg, .jpg ou .webp attendu';
  if (!existsSync(path) || !statSync(path).isFile()) return `fichier introuvable (${path.slice(0, 200)})`;
  if (statSync(path).size > LOGO_MAX_BYTES) return `${LOGO_MAX_BYTES / 1024} Kio au plus`;
  return null;
}

const brandSchema = z.object({
  JALONS_DEPARTEMENT_NOM: z
    .string()
    .trim()
    .max(80, '80 caractères au plus')
    // eslint-disable-next-line no-control-regex -- refusing control characters is this regex's purpose
    .regex(/^[^<>\u0000-\u001f]*$/u, 'texte sans balise ni caractère de contrôle')
    .default(''),
  JALONS_COULEUR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, { message: 'couleur #rrggbb attendue (ex. #2e3c4b)', abort: true })
    .refine((c) => contrastWithWhite(c) >= 4.5, {
      error: (issue) =>
        `contraste avec le blanc de ${(Math.floor(contrastWithWhite(String(issue.input)) * 100) / 100).toFixed(2).replace('.', ',')}:1, au moins 4,5:1 attendu (couleur plus foncée)`,
    })
    .default(DEFAULT_COLOUR),
  JALONS_LOGO: z
    .string()
    .optional()
    .superRefine((p, ctx) => {
      const problem = logoProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
});

export interface Brand {
  name: string;
  colour: string;
  /** The logo file's absolute path, or null. */
  logo: string | null;
}

export function brandFromEnv(env: NodeJS.ProcessEnv): Brand {
  const parsed = brandSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Configuration invalide : ${frenchIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    name: e.JALONS_DEPARTEMENT_NOM,
    colour: e.JALONS_COULEUR.toLowerCase(),
    logo: e.JALONS_LOGO ? resolve(e.JALONS_LOGO) : null,
  };
}

/** The process's look, read once at start (a wrong setting stops the web app with its French reason). */
export const brand = brandFromEnv(process.env);
