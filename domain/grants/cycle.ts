/**
 * The grant cycle as a pure machine (docs/rules.md §3, docs/grants.md), in
 * parts: its state and what derives from the facts (./state.ts), the acts and
 * their bounded schemas (./acts.ts, ./machine.ts), the money as a ledger in
 * cents (./ledger.ts), how a convention ends (./endings.ts), its timers
 * (./timers.ts) and its report (./report.ts). This module gathers them for the
 * workflow, the CLI, the web app and `jalons simulate`.
 */
export * from './state.js';
export * from './acts.js';
export * from './ledger.js';
export * from './machine.js';
export * from './endings.js';
export * from './timers.js';
export * from './report.js';
