/** The CLI's remote mode reads its server and token, or refuses in French before any request. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActionRefused } from '../../services/paths.js';
import { remoteOptions } from '../../apps/cli/remote.js';

const saved = { url: process.env.JALONS_SERVER_URL, token: process.env.JALONS_API_TOKEN };
afterEach(() => {
  for (const [k, v] of [
    ['JALONS_SERVER_URL', saved.url],
    ['JALONS_API_TOKEN', saved.token],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
});

describe('remote mode options', () => {
  it('is off without a server address', () => {
    delete process.env.JALONS_SERVER_URL;
    expect(remoteOptions({})).toBeNull();
  });

  it('takes the address from the option before the environment, and the token from its file', () => {
    process.env.JALONS_SERVER_URL = 'https://ailleurs.example';
    process.env.JALONS_API_TOKEN = 'jalons_env';
    const file = join(mkdtempSync(join(tmpdir(), 'jeton-')), 'jeton');
    writeFileSync(file, 'jalons_fichier\n');
    expect(remoteOptions({ serveur: 'https://jalons.example/', jetonFichier: file })).toEqual({
      url: 'https://jalons.example',
      token: 'jalons_fichier',
    });
    expect(remoteOptions({})).toEqual({ url: 'https://ailleurs.example', token: 'jalons_env' });
  });

  it('refuses in French a bad address, a missing token or an unreadable token file', () => {
    delete process.env.JALONS_API_TOKEN;
    expect(() => remoteOptions({ serveur: 'jalons.example' })).toThrow(
      new ActionRefused('adresse du serveur invalide : « jalons.example » (attendu : https://…).'),
    );
    expect(() => remoteOptions({ serveur: 'ftp://jalons.example' })).toThrow(/adresse du serveur invalide/);
    expect(() => remoteOptions({ serveur: 'https://jalons.example' })).toThrow(
      /mode distant : il faut un jeton personnel/,
    );
    expect(() => remoteOptions({ serveur: 'https://jalons.example', jetonFichier: '/nulle/part' })).toThrow(
      'fichier du jeton illisible : /nulle/part (ENOENT).',
    );
  });
});
