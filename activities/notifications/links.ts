/**
 * Where a message sends its reader: the web app's public address
 * (JALONS_PUBLIC_URL, the address people open, behind the reverse proxy; in the
 * embedded stack http://127.0.0.1:<JALONS_WEB_PORT>) and, from a message's data,
 * the page it is about: a path's case (/parcours/<id>), a grant cycle
 * (/subventions/<id>). Pseudonymous ids only: the link says no more than the
 * message already does.
 */
import { frenchIssues, z } from '../../domain/validation.js';

const envSchema = z.object({
  JALONS_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'adresse http(s) attendue (ex. https://jalons.departement.fr)' })
    .max(200, '200 caractères au plus')
    .optional(),
  JALONS_WEB_PORT: z.coerce.number().int().min(1).max(65535).default(8080),
});

/** The web app's public address, without a trailing slash. */
export function publicUrlFromEnv(env: NodeJS.ProcessEnv): string {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Configuration invalide : ${frenchIssues(parsed.error)}`);
  const url = parsed.data.JALONS_PUBLIC_URL ?? `http://127.0.0.1:${parsed.data.JALONS_WEB_PORT}`;
  return url.replace(/\/+$/, '');
}

/** The page of a case. */
export const caseUrl = (publicUrl: string, beneficiaryId: string): string =>
  `${publicUrl}/parcours/${encodeURIComponent(beneficiaryId)}`;

/** The page of a grant cycle. */
export const grantUrl = (publicUrl: string, grantId: string): string =>
  `${publicUrl}/subventions/${encodeURIComponent(grantId)}`;

/** The page a message's data is about (a case, a grant cycle, a stopped path), or null. */
export function pageOf(
  publicUrl: string,
  data: Record<string, string>,
): { label: string; url: string } | null {
  if (data.beneficiaryId) return { label: 'Ouvrir le dossier', url: caseUrl(publicUrl, data.beneficiaryId) };
  if (data.grantId) return { label: 'Ouvrir la subvention', url: grantUrl(publicUrl, data.grantId) };
  // A health alert names the workflow (docs/health.md): `parcours-<id>` or `subvention-<id>`.
  const path = data.workflowType === 'beneficiaryPath' && data.workflowId?.match(/^parcours-(.+)$/);
  if (path) return { label: 'Ouvrir le dossier', url: caseUrl(publicUrl, path[1]!) };
  const grant = data.workflowType === 'grantCycle' && data.workflowId?.match(/^subvention-(.+)$/);
  if (grant) return { label: 'Ouvrir la subvention', url: grantUrl(publicUrl, grant[1]!) };
  return null;
}
