// Codec server process (production: the `codec` service of docker-compose.yml).
import { EncryptionCodec, parseKeyRing } from '../workers/codec.js';
import { startCodecServer } from './codec-server.js';

const env = process.env;
if (!env.JALONS_PAYLOAD_KEYS || !env.JALONS_CODEC_TOKENS || !env.JALONS_CODEC_UI_ORIGIN)
  throw new Error('JALONS_PAYLOAD_KEYS, JALONS_CODEC_TOKENS et JALONS_CODEC_UI_ORIGIN sont requis.');
const { port } = await startCodecServer({
  codec: new EncryptionCodec(parseKeyRing(env.JALONS_PAYLOAD_KEYS)),
  tokens: env.JALONS_CODEC_TOKENS.split(',').filter(Boolean),
  uiOrigin: env.JALONS_CODEC_UI_ORIGIN,
  port: Number(env.JALONS_CODEC_PORT ?? 8081),
  host: env.JALONS_CODEC_HOST ?? '127.0.0.1',
});
console.error(`[codec] serveur de codec sur le port ${port}`);
