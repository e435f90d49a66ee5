// Operations web app process (production: the `web` service of docker-compose.yml).
import { openReadModel } from '../../activities/read-model/db.js';
import { loadConfig } from '../../workers/config.js';
import { connectClient } from '../temporal.js';
import { startWebApp } from './server.js';

const config = loadConfig();
const db = await openReadModel(config.readModelUrl);
const client = await connectClient(config);
const host = process.env.JALONS_WEB_HOST ?? '127.0.0.1';
const { port } = await startWebApp({ client, db, port: config.ports.web, host });
console.error(`[web] exploitation sur http://${host}:${port}`);
const stop = async () => {
  await db.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
