/** A local Temporal server slow to come up is started again; any other failure is not. */
import { describe, expect, it } from 'vitest';
import { startedInTime } from '../../services/temporal.js';

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
