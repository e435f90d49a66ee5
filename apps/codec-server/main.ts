// Codec server process (production: the `codec` service of docker-compose.yml).
import { openReadModel } from '../../store/db.js';
import { EncryptionCodec, parseKeyRing } from '../../workers/codec.js';
import { startCodecServer } from './server.js';

const env = process.env;
const tokens = (env.JALONS_CODEC_TOKENS ?? '').split(',').filter(Boolean);
if (!env.JALONS_PAYLOAD_KEYS || !env.JALONS_CODEC_UI_ORIGIN)
  throw new Error('JALONS_PAYLOAD_KEYS et JALONS_CODEC_UI_ORIGIN sont requis.');
if (tokens.length === 0 && !env.JALONS_READMODEL_URL)
  throw new Error(
    'JALONS_CODEC_TOKENS ou JALONS_READMODEL_URL (jetons d’API des comptes administrateurs) est requis.',
  );
// With the read model, administrators' personal API tokens are accepted too.
const accounts = env.JALONS_READMODEL_URL ? await openReadModel(env.JALONS_READMODEL_URL) : undefined;
const { port } = await startCodecServer({
  codec: new EncryptionCodec(parseKeyRing(env.JALONS_PAYLOAD_KEYS)),
  tokens,
  ...(accounts ? { accounts } : {}),
  uiOrigin: env.JALONS_CODEC_UI_ORIGIN,
  port: Number(env.JALONS_CODEC_PORT ?? 8081),
  host: env.JALONS_CODEC_HOST ?? '127.0.0.1',
});
console.error(`[codec] serveur de codec sur le port ${port}`);
const stop = async () => {
  await accounts?.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
