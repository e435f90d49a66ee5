/**
 * The real worker process (`workers/main.ts`, compiled in dist/app), as production
 * runs it, for the bench's measures: its resident memory and CPU read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface WorkerProcess {
  name: string;
  pid: number;
  stop: () => Promise<void>;
}

export interface WorkerProcessOptions {
  name: string;
  /** V8 old-generation limit of each of the worker's isolates, in MiB. */
  heapMiB?: number;
  env: Record<string, string>;
  /** Called when the worker dies while measured (its last words). */
  onDeath: (why: string) => void;
}

export async function startWorkerProcess(o: WorkerProcessOptions): Promise<WorkerProcess> {
  const heap = o.heapMiB ? [`--max-old-space-size=${o.heapMiB}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...heap, 'dist/app/workers/main.js'], {
    // As the image runs it (Dockerfile): fewer glibc malloc arenas for the worker's threads.
    env: { ...process.env, MALLOC_ARENA_MAX: '2', ...o.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  let stopping = false;
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      tail = (tail + String(d)).slice(-4_000);
      if (String(d).includes('[worker] démarré')) resolve();
    });
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const why = `le worker ${o.name} s’est arrêté (code ${code}, signal ${signal}) :\n${tail}`;
      reject(new Error(why));
      o.onDeath(why);
    });
  });
  return {
    name: o.name,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}

/** Resident memory and CPU time of a process, from /proc (Linux). */
export function procStats(pid: number): { rss: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of stat (11 and 12 after the command name), in ticks of 1/100 s.
  return { rss: rssKb * 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}
