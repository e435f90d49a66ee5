/**
 * The partner simulators on their own: `tsx dev/simulators/main.ts`.
 * `JALONS_SIMULATORS_PORT` (default 8099), `JALONS_PARTNER_TOKEN` (the token
 * they accept). RDV-Insertion's webhooks: `PUT /_rdv-insertion/webhook` (URL and secret).
 */
import { frenchIssues, z } from '../../domain/validation.js';
import { DEFAULT_SIMULATORS_PORT } from '../../partners/config.js';
import { partnerNames } from '../../partners/http.js';
import { PartnerSimulators } from './server.js';

const envSchema = z.object({
  JALONS_SIMULATORS_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_SIMULATORS_PORT),
  JALONS_PARTNER_TOKEN: z.string().min(1).optional(),
});

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) {
  console.error(`Configuration des simulateurs invalide : ${frenchIssues(parsed.error)}`);
  process.exit(2);
}
const env = parsed.data;
const sims = await PartnerSimulators.start({
  port: env.JALONS_SIMULATORS_PORT,
  ...(env.JALONS_PARTNER_TOKEN ? { token: env.JALONS_PARTNER_TOKEN } : {}),
});
console.log('Simulateurs des partenaires démarrés.');
for (const p of partnerNames.filter((n) => n !== 'rdv')) console.log(`  ${p.padEnd(16)} ${sims.url(p)}`);
console.log(
  `  ${'rdv-insertion'.padEnd(16)} ${sims.baseUrl()}/rdv-insertion  (connexion : ${sims.baseUrl()}/rdv-solidarites)`,
);
console.log(
  `  pannes           POST ${sims.baseUrl()}/_faults  (ex. {"partner":"caf","kind":"status","status":503,"times":2})`,
);

const stop = () => {
  sims.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
