// Worker process entry point (production: one container per replica).
import { loadConfig } from './config.js';
import { createWorker } from './worker.js';

const worker = await createWorker(loadConfig());
console.error('[worker] démarré, file de tâches :', worker.options.taskQueue);
await worker.run();
