/** The partner retry policy lives with the workflows that use it (workflow code may not import activities). */
export * from '../workflows/shared/partner-retry.js';
