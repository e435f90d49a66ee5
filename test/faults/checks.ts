/** Starting the fault tests' paths, and counting what the SMTP sink received. */
import type { Client } from '@temporalio/client';
import { pathWorkflowId } from '../../domain/ids.js';
import type { MailSink } from '../../dev/mail-sink.js';
import { openReadModel } from '../../store/db.js';
import { beneficiaryPath, stateQuery } from '../../workflows/path/path.js';
import { livedState, type FaultPath } from './paths.js';

/**
 * Starts each path, while no worker runs, from the state its events have already made (a
 * person's act is an Update, which needs a worker): the first workflow task fires every
 * overdue timer after them, as `outcomeAt` does.
 */
export async function startPathsWithoutWorker(
  client: Client,
  taskQueue: string,
  paths: FaultPath[],
): Promise<void> {
  for (const p of paths) {
    const workflowId = pathWorkflowId(p.input.beneficiaryId);
    const carried = livedState(p.input, p.events, new Date());
    await client.workflow.start(beneficiaryPath, { args: [{ ...p.input, carried }], workflowId, taskQueue });
  }
}

/** Messages received per key (the `X-Jalons-Key` header every notification carries). */
export function deliveries(sink: MailSink): Record<string, number> {
  const count: Record<string, number> = {};
  for (const m of sink.messages()) {
    const key = m.headers['x-jalons-key'] ?? '(sans clé)';
    count[key] = (count[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(count).sort(([a], [b]) => a.localeCompare(b)));
}

/** Resolves once every key in `keys` has been received at least once. */
export async function allReceived(sink: MailSink, keys: string[], timeoutMs: number): Promise<void> {
  const missing = () => {
    const seen = new Set(sink.messages().map((m) => m.headers['x-jalons-key']));
    return keys.filter((k) => !seen.has(k));
  };
  await sink
    .waitFor(() => missing().length === 0, timeoutMs)
    .catch((err: Error) => {
      throw new Error(`${err.message} ; manquent : ${missing().join(', ')}`);
    });
}

/** Waits until no message has arrived for `quietMs`: a message sent twice would arrive then. */
export async function quiet(sink: MailSink, quietMs: number): Promise<void> {
  for (let count = -1; count !== sink.messages().length;) {
    count = sink.messages().length;
    await new Promise((r) => setTimeout(r, quietMs));
  }
}

/** The outbox's status per key, read from the embedded read model of a worker that is not running. */
export async function outboxStatuses(readModel: string): Promise<Map<string, string>> {
  const db = await openReadModel(readModel);
  try {
    const rows = await db.query<{ key: string; status: string }>('select key, status from outbox');
    return new Map(rows.map((r) => [r.key, r.status]));
  } finally {
    await db.close();
  }
}

/** Where each path stands now, and its workflow's status (a closed path's workflow has completed). */
export async function pathOutcomes(
  client: Client,
  paths: FaultPath[],
): Promise<{ id: string; step: string; status: string; failed: number }[]> {
  const out = [];
  for (const p of paths) {
    const handle = client.workflow.getHandle(pathWorkflowId(p.input.beneficiaryId));
    const state = await handle.query(stateQuery);
    const { status } = await handle.describe();
    out.push({
      id: p.input.beneficiaryId,
      step: state.step,
      status: status.name,
      failed: state.notifications.filter((n) => n.failed).length,
    });
  }
  return out;
}

/** What `pathOutcomes` must find, from the domain. */
export const expectedOutcomes = (paths: FaultPath[]) =>
  paths.map((p) => ({
    id: p.input.beneficiaryId,
    step: p.expected.step,
    status: p.expected.step === 'closed' ? 'COMPLETED' : 'RUNNING',
    failed: 0,
  }));

/**
 * Resolves once no path has an activity or a workflow task under way: every send has finished
 * (a send cut by a kill is retried once its timeout expires, up to a minute later).
 */
export async function settled(client: Client, paths: FaultPath[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const busy: string[] = [];
    for (const p of paths) {
      const d = await client.workflow.getHandle(pathWorkflowId(p.input.beneficiaryId)).describe();
      if ((d.raw.pendingActivities ?? []).length > 0 || d.raw.pendingWorkflowTask)
        busy.push(p.input.beneficiaryId);
    }
    if (busy.length === 0) return;
    if (Date.now() > until) throw new Error(`activités toujours en cours : ${busy.join(', ')}`);
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
