/**
 * A real PostgreSQL server for a test: Debian's PostgreSQL binaries, a fresh
 * cluster in a temporary folder, on a free loopback port; stopped and removed
 * after. As root (CI), the server runs as the `postgres` system user.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function binary(name: string): string {
  for (const dir of ['/usr/local/bin', '/usr/lib/postgresql/15/bin', '/usr/bin'])
    try {
      execFileSync('test', ['-x', join(dir, name)]);
      return join(dir, name);
    } catch {
      continue;
    }
  throw new Error(`PostgreSQL introuvable (${name}) : installez le paquet Debian postgresql`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface TestPostgres {
  url: string;
  stop: () => void;
  /** Stops the server, keeping its data (an outage); `resume` starts it again on the same port. */
  pause: () => void;
  resume: () => void;
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'jalons-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    chmodSync(dir, 0o755);
    const { uid, gid } = {
      uid: Number(execFileSync('id', ['-u', 'postgres'])),
      gid: Number(execFileSync('id', ['-g', 'postgres'])),
    };
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, {
      stdio: 'ignore',
    });
  const data = join(dir, 'data');
  run(binary('initdb'), ['-D', data, '-U', 'jalons', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const start = () =>
    run(binary('pg_ctl'), [
      '-D',
      data,
      '-w',
      '-l',
      join(dir, 'log'),
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      'start',
    ]);
  const pause = () => run(binary('pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  return {
    url: `postgres://jalons@127.0.0.1:${port}/postgres`,
    stop: () => {
      pause();
      rmSync(dir, { recursive: true, force: true });
    },
    pause,
    resume: start,
  };
}
