/**
 * How many frames a stack keeps inside the workflow sandbox. The SDK records the
 * stack of every promise a workflow creates (for the stack-trace query of the
 * Temporal UI), mapped through the source map, and keeps it while the promise is
 * pending: with V8's default of 10 frames this was a sixth of a replay's time and a
 * good part of a cached path's memory (measured, README « Banc d'essai »). Four
 * frames still name the line a blocked workflow waits on and where an error was
 * thrown. Loaded once per workflow thread, before any workflow and before the SDK
 * freezes the sandbox's globals (workers/workflow-bundle.ts, `preloadModules`).
 */
export const SANDBOX_STACK_FRAMES = 4;
Error.stackTraceLimit = SANDBOX_STACK_FRAMES;
