// Codec server process (production: the `codec` service of docker-compose.yml).
import { openReadModel } from '../../store/db.js';
import { EncryptionCodec, parseKeyRing } from '../../workers/codec.js';
import { loadConfig, refuseWeakSecrets } from '../../workers/config.js';
import { createLogger, setProcessLogger } from '../../observability/logger.js';
import { startCodecServer } from './server.js';

const logger = setProcessLogger(createLogger({ service: 'codec' }));
const env = process.env;
let config: ReturnType<typeof loadConfig>;
try {
  // Placeholder or short secrets stop the start; a shared codec token is no longer accepted.
  refuseWeakSecrets(env);
  if (!env.JALONS_PAYLOAD_KEYS || !env.JALONS_CODEC_UI_ORIGIN || !env.JALONS_READMODEL_URL)
    throw new Error(
      'JALONS_PAYLOAD_KEYS, JALONS_CODEC_UI_ORIGIN et JALONS_READMODEL_URL (les comptes administrateurs dont le jeton d’API ouvre le codec) sont requis.',
    );
  config = loadConfig(env);
} catch (err) {
  logger.fatal(`Démarrage refusé : ${(err as Error).message}`);
  process.exit(1);
}
const accounts = await openReadModel(config.readModelUrl);
const { port } = await startCodecServer({
  codec: new EncryptionCodec(parseKeyRing(env.JALONS_PAYLOAD_KEYS!)),
  accounts,
  uiOrigin: env.JALONS_CODEC_UI_ORIGIN!,
  port: config.ports.codec,
  host: env.JALONS_CODEC_HOST ?? '127.0.0.1',
  metricsToken: config.metrics.token,
  logger,
});
logger.info(`[codec] serveur de codec sur le port ${port}`);
const stop = async () => {
  await accounts.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
