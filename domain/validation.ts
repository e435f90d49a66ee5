/** Every message a person reads is in French, zod's included. */
import { z } from 'zod';

z.config(z.locales.fr());

/** Zod issues as one French sentence, for Update validators and CLI errors. */
export function frenchIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length ? `${i.path.join('.')} : ${i.message}` : i.message))
    .join(' ; ');
}

export { z };
