import { z } from '../validation.js';

/** The three orientation tracks (CT L5411-5-1). */
export const trackSchema = z.enum(['employment', 'socio-professional', 'social'], {
  error: 'parcours attendu : employment (emploi), socio-professional (socio-professionnel) ou social',
});
export type Track = z.infer<typeof trackSchema>;
