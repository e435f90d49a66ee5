/**
 * The release histories of the short workflows (scripts/record-release-histories.ts):
 * what the Schedules, the CLI and the health watch start, each started by its
 * type name as they start it, on data the recorded paths left in the read model.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ReadModelDb } from '../store/db.js';
import { createAccount } from '../store/accounts.js';
import type { PartnerSimulators } from '../dev/simulators/server.js';
import { partnerEventSignal, pathEventUpdate } from '../workflows/path/path.js';

/** What a phase's cases run on. */
export interface Phase {
  env: TestWorkflowEnvironment;
  db: ReadModelDb;
  sims: PartnerSimulators;
  taskQueue: string;
  /** The time-skipping test server (else the dev server, on the real clock). */
  timeSkipping: boolean;
  /** Saves the run's history as `<type>-<name>.json`; it must be closed (or continued as new). */
  save(type: string, name: string, workflowId: string, runId?: string): Promise<void>;
}

/**
 * Waits for a workflow's end. Never `result()` on the time-skipping server: it unlocks time
 * skipping, and with nothing else to wait for, the test server's clock was seen to jump ten years
 * ahead. Here the clock moves only by the hour, and only while the workflow waits for a timer.
 */
export async function finish(p: Phase, workflowId: string): Promise<void> {
  const handle = p.env.client.workflow.getHandle(workflowId);
  if (!p.timeSkipping) return void (await handle.result());
  for (let i = 0; i < 5_000; i++) {
    const d = await handle.describe();
    if (d.status.name !== 'RUNNING') return;
    if ((d.raw.pendingActivities ?? []).length > 0 || i % 10 !== 9)
      await new Promise((r) => setTimeout(r, 100));
    else await p.env.sleep('1 hour');
  }
  throw new Error(`${workflowId} ne se termine pas`);
}

/** Runs a workflow to its end by its type name, then saves its history. */
async function record(p: Phase, type: string, name: string, args: unknown[] = []): Promise<void> {
  const workflowId = `REC-${type}-${name}`;
  await p.env.client.workflow.start(type, { args, taskQueue: p.taskQueue, workflowId });
  await finish(p, workflowId);
  await p.save(type, name, workflowId);
}

async function openPath(p: Phase, id: string, openedAt: string, referent?: string): Promise<void> {
  const h = await p.env.client.workflow.start('beneficiaryPath', {
    args: [{ beneficiaryId: id, rightsOpenedAt: openedAt, territory: 'lens-lievin' }],
    workflowId: `parcours-${id}`,
    taskQueue: p.taskQueue,
  });
  if (referent)
    await h.executeUpdate(pathEventUpdate, {
      args: [{ type: 'orientation.decided', data: { track: 'social', organisation: 'ccas-lens', referent } }],
    });
}

export async function closePath(p: Phase, workflowId: string): Promise<void> {
  const h = p.env.client.workflow.getHandle(workflowId);
  await h.signal(partnerEventSignal, { type: 'rights.ended', data: { reason: 'job' } });
  await finish(p, workflowId);
}

/** On the time-skipping server, after the paths: the Schedules' and the CLI's workflows. */
export async function recordOthers(p: Phase): Promise<void> {
  const { env, sims } = p;
  const now = new Date(await env.currentTimeMs());
  await openPath(p, 'REC-DIGEST-1', now.toISOString(), 'ref-1');
  await openPath(p, 'REC-DIGEST-2', now.toISOString(), 'ref-2');
  // Their first appointments fall due: the digest lists late and upcoming deadlines.
  await env.sleep('20 days');

  await record(p, 'referentDigest', 'two-referents');
  await record(p, 'recurringDutyReminder', 'pilot-actions', [
    {
      owner: 'etat-cie-2025-2027',
      ownerTitle: 'Contrat d’insertion dans l’emploi 2025-2027',
      duty: 'pilot-actions',
      title: 'Campagne de saisie Pilot’Actions',
      cadence: 'yearly',
      atLeast: false,
      to: 'grants-team',
    },
  ]);
  // The week before (the digest's paths opened in it): deposited through a 503, then acknowledged.
  sims.faults.inject({ partner: 'ft-exchange', route: 'deposit', kind: 'status', status: 503 });
  await record(p, 'franceTravailWeeklyList', 'acknowledged', [{}]);
  // A week refused by France Travail's exchange: not sent, a person alerted.
  sims.faults.inject({ partner: 'ft-exchange', route: 'deposit', kind: 'status', status: 422, times: 50 });
  await record(p, 'franceTravailWeeklyList', 'not-sent', [{ week: '2026-W01' }]);
  sims.faults.clear();

  await record(p, 'catalogueSync', 'synced');
  const decidedAt = new Date(await env.currentTimeMs()).toISOString();
  const assignment = (assignmentId: string, beneficiaryId: string) => ({
    assignmentId,
    beneficiaryId,
    parcours: 'socio-professionnel',
    organisme: 'cd62',
    referent: 'ref-5',
    decidedAt,
  });
  sims.exchanges.addAssignments([assignment('A-1', 'REC-DIGEST-1'), assignment('A-2', 'REC-INCONNU')]);
  sims.faults.inject({ partner: 'monjob', route: 'pushEvents', kind: 'status', status: 503 });
  await record(p, 'monjobSync', 'assignments-and-rejects');

  await record(p, 'reportingCampaignReminder', 'pilot-actions', [{ campaign: 'pilot-actions' }]);
  await record(p, 'indicatorReport', 'cie', [
    { convention: 'etat-cie-2025-2027', period: { from: '2026-01-01', to: '2026-12-31' } },
  ]);
  await record(p, 'exchangesStatusReport', 'after-sync');
  await record(p, 'rgpdPersonRecord', 'open-path', [{ beneficiaryId: 'REC-DIGEST-1' }]);

  await closePath(p, 'parcours-REC-DIGEST-1');
  await closePath(p, 'parcours-REC-DIGEST-2');
  // Past the 24 months' retention of every path recorded before: the purge has work.
  await env.sleep('760 days');
  await record(p, 'rgpdPurge', 'dry-run', [{ dryRun: true }]);
  await record(p, 'rgpdPurge', 'purge', [{}]);
}

/** Polls `check` every 250 ms for at most a minute. */
async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`en attente depuis une minute : ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * On the dev server (visibility): a path stopped by hand is an incident; the
 * watch alerts it; the report; the restart from the recorded state; the rebuild.
 */
export async function recordHealth(p: Phase): Promise<void> {
  const { env, db } = p;
  await createAccount(
    db,
    { login: 'admin-rec', role: 'admin', allCases: true, password: 'mot de passe de l’enregistrement' },
    { channel: 'cli' },
  );
  const id = 'REC-SANTE-1';
  await openPath(p, id, new Date(Date.now() - 3 * 86_400_000).toISOString(), 'ref-1');
  await until('le parcours dans le modèle de lecture', async () => {
    const rows = await db.query<{ revision: number }>('select revision from paths where workflow_id = $1', [
      `parcours-${id}`,
    ]);
    return (rows[0]?.revision ?? 0) >= 1;
  });
  await env.client.workflow.getHandle(`parcours-${id}`).terminate('arrêté pour l’enregistrement');
  await until('le parcours arrêté dans la visibilité', async () => {
    const q = `WorkflowId = "parcours-${id}" AND ExecutionStatus = "Terminated"`;
    return (await env.client.workflow.count(q)).count === 1;
  });

  await record(p, 'healthWatch', 'terminated-path');
  const [incident] = await db.query<{ id: number }>('select id from incidents where workflow_id = $1', [
    `parcours-${id}`,
  ]);
  if (!incident) throw new Error('aucun incident enregistré pour le parcours arrêté');
  const alertId = `alerte-incident-${incident.id}`;
  await finish(p, alertId);
  await p.save('incidentAlert', 'terminated-path', alertId);
  await record(p, 'healthWatch', 'nothing-new');
  await record(p, 'healthStatus', 'open-incident');
  await record(p, 'healthRestart', 'restarted', [{ id, by: 'admin-rec' }]);
  await record(p, 'readModelRebuild', 'rebuilt');
  await closePath(p, `parcours-${id}`);
}
