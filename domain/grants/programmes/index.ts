// The programme registry: one line per programme data file. Adding a programme is
// a new file in this folder plus its line here; ../index.ts validates them all.
export { default as cnsaAmi2026 } from './cnsa-ami-2026.js';
export { default as etatCie20252027 } from './etat-cie-2025-2027.js';
export { default as etatCls2025 } from './etat-cls-2025.js';
export { default as ftConseillersAutonomie2023 } from './ft-conseillers-autonomie-2023.js';
