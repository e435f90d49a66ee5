import { encryptedDataConverter, parseKeyRing } from '../../workers/codec.js';

/** The tests' own key ring (fixed, so that recorded histories can be replayed): no real data uses it. */
export const TEST_PAYLOAD_KEYS = `test-k1:${Buffer.alloc(32, 7).toString('base64')}`;
export const testDataConverter = encryptedDataConverter(parseKeyRing(TEST_PAYLOAD_KEYS));
