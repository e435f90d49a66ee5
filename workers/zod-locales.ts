/**
 * What the workflow bundle gets for zod's `locales` (workers/workflow-bundle.ts):
 * French, in which every refusal is written (domain/validation.ts), and English,
 * zod's own default — not its forty other languages (~360 KiB of the bundle,
 * evaluated again for every cached workflow; issue 18).
 */
export { default as fr } from 'zod/v4/locales/fr.js';
export { default as en } from 'zod/v4/locales/en.js';
