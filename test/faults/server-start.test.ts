/**
 * A local Temporal server slow to come up is started again, and a start-up step it was too slow to
 * answer is tried again; any other failure is not.
 */
import { describe, expect, it } from 'vitest';
import { startedInTime, whileServerWarms } from '../../services/temporal.js';

const late = () =>
  new Error('Failed to start ephemeral server: ephemeral server at 127.0.0.1:1 did not start within 5s.');

describe('startedInTime', () => {
  it('starts again a server that was not up in time, and returns the one that is', async () => {
    let calls = 0;
    const env = await startedInTime(async () => {
      if (++calls < 3) throw late();
      return 'serveur';
    });
    expect(env).toBe('serveur');
    expect(calls).toBe(3);
  });

  it('gives up after its attempts, with the last error', async () => {
    let calls = 0;
    await expect(
      startedInTime(async () => {
        calls++;
        throw late();
      }, 2),
    ).rejects.toThrow(/did not start within/);
    expect(calls).toBe(2);
  });

  it('throws any other failure at once', async () => {
    let calls = 0;
    await expect(
      startedInTime(async () => {
        calls++;
        throw new Error('executable introuvable');
      }),
    ).rejects.toThrow('executable introuvable');
    expect(calls).toBe(1);
  });
});

/** What the client raises when the server does not answer within the call's deadline. */
const slow = () => Object.assign(new Error('Slow gRPC call: deadline exceeded'), { code: 4 });

describe('whileServerWarms', () => {
  it('tries a step again while the server is too slow to answer, then returns its result', async () => {
    let calls = 0;
    const result = await whileServerWarms(
      async () => {
        if (++calls < 3) throw slow();
        return 'planifié';
      },
      4,
      1,
    );
    expect(result).toBe('planifié');
    expect(calls).toBe(3);
  });

  it('gives up after its attempts, and throws any other failure at once', async () => {
    let calls = 0;
    const always = () =>
      whileServerWarms(
        async () => {
          calls++;
          throw slow();
        },
        2,
        1,
      );
    await expect(always()).rejects.toThrow(/deadline exceeded/);
    expect(calls).toBe(2);
    calls = 0;
    await expect(
      whileServerWarms(async () => {
        calls++;
        throw new Error('programme inconnu');
      }),
    ).rejects.toThrow('programme inconnu');
    expect(calls).toBe(1);
  });
});
