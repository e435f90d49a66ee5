/**
 * `jalons simulate <scenario.json>`: replays a timeline on the real workflows and
 * activities, on the time-skipping test server whose clock starts at the
 * scenario's `start`; the SMTP server is a local sink. One JSON report on stdout
 * (docs/architecture.md, « Public contracts »); logs on stderr.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { z, frenchIssues } from '../domain/validation.js';
import {
  agentIdSchema,
  pathWorkflowId,
  policyIdSchema,
  pseudonymousIdSchema,
  territoryCodeSchema,
} from '../domain/ids.js';
import { freeTextSchema, quoted } from '../domain/text.js';
import { householdSchema, type PathState } from '../domain/path/path.js';
import {
  partnerEventTypes,
  pathEventData,
  pathEventTypes,
  type PathEventType,
} from '../domain/path/path-events.js';
import { refusalOf } from '../domain/path/path-machine.js';
import { getPolicy } from '../domain/policy.js';
import { activitiesFor, JalonsWorkers, notificationWorkerOptions, workflowsPath } from '../workers/worker.js';
import { encryptedDataConverter, parseKeyRing } from '../workers/codec.js';
import {
  partnerEventSignal,
  pathEventUpdate,
  pathWorkflowType,
  stateQuery,
  type BeneficiaryPath,
} from '../workflows/path/messages.js';
import { MailSink } from './mail-sink.js';
import { settle } from './simulate-settle.js';
import { grantWorkflowId } from '../domain/grants/state.js';
import { PartnerSimulators } from './simulators/server.js';
import { simulatedRdvInsertionEnv } from './simulators/rdv-insertion.js';
import { registerSearchAttributes, startedInTime } from '../services/temporal.js';

import {
  applyGrantEvent,
  grantEventSchemas,
  grantEventTypes,
  grantProgrammeIssue,
  grantReport,
  startGrant,
  type GrantEventType,
  type GrantReport,
  patientQuery,
} from './simulate-grants.js';
import { workflowBundlerOptions } from '../workers/workflow-bundle.js';

async function applyToGrant(client: Client, e: Scenario['events'][number]): Promise<string | null> {
  const r = await applyGrantEvent(client, e.target, {
    at: e.at.toISOString(),
    type: e.type,
    data: e.data ?? {},
    ...(e.by ? { by: e.by } : {}),
  });
  return r.ok ? null : r.error;
}

/** Bounds of a scenario (docs/bounds.md): a simulation of a few paths over a few years. */
export const scenarioBounds = {
  fileBytes: 4 * 1024 * 1024,
  beneficiaries: 1_000,
  grants: 100,
  events: 10_000,
  nameChars: 200,
  /** From `start` to `until`: ten years of simulated time at most. */
  spanYears: 10,
} as const;

const instant = z.iso
  .datetime({
    offset: true,
    message: 'instant ISO-8601 attendu, avec fuseau (ex. 2026-01-05T09:00:00+01:00)',
  })
  .transform((s) => new Date(s));

const eventSchema = z
  .object({
    at: instant,
    target: z
      .string()
      .min(1, 'cible requise (id d’un allocataire ou d’une subvention)')
      .max(64, 'cible : 64 caractères au plus'),
    type: z.string().max(64, 'type : 64 caractères au plus'),
    data: z.unknown().optional(),
    by: agentIdSchema.optional(),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: freeTextSchema('nom du scénario', scenarioBounds.nameChars),
    policy: policyIdSchema.default('pas-de-calais'),
    start: instant,
    until: instant,
    beneficiaries: z
      .array(
        z
          .object({
            id: pseudonymousIdSchema,
            rightsOpenedAt: instant,
            territory: territoryCodeSchema,
            household: householdSchema.default({ size: 1, majore: false }),
          })
          .strict(),
      )
      .max(scenarioBounds.beneficiaries, `beneficiaries : ${scenarioBounds.beneficiaries} au plus`)
      .default([]),
    grants: z
      .array(
        z
          .object({
            id: pseudonymousIdSchema,
            programme: z.string().min(1).max(64, 'programme : 64 caractères au plus'),
          })
          .strict(),
      )
      .max(scenarioBounds.grants, `grants : ${scenarioBounds.grants} au plus`)
      .default([]),
    events: z
      .array(eventSchema)
      .max(scenarioBounds.events, `events : ${scenarioBounds.events} au plus`)
      .default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    // Zod runs this even when a field above was refused: only well-formed parts are cross-checked.
    if (!(s.start instanceof Date && s.until instanceof Date)) return;
    if (![s.beneficiaries, s.grants, s.events].every(Array.isArray)) return;
    if (s.until <= s.start)
      ctx.addIssue({ code: 'custom', path: ['until'], message: '« until » doit suivre « start »' });
    const span = (s.until.getTime() - s.start.getTime()) / (365.25 * 86_400_000);
    if (span > scenarioBounds.spanYears)
      ctx.addIssue({
        code: 'custom',
        path: ['until'],
        message: `de « start » à « until » : ${scenarioBounds.spanYears} ans au plus`,
      });
    try {
      getPolicy(s.policy);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['policy'], message: (err as Error).message });
    }
    const beneficiaries = new Set(s.beneficiaries.map((b) => b.id));
    const grants = new Set(s.grants.map((g) => g.id));
    s.grants.forEach((g, i) => {
      if (typeof g?.programme !== 'string') return;
      const issue = grantProgrammeIssue(g.programme);
      if (issue) ctx.addIssue({ code: 'custom', path: ['grants', i, 'programme'], message: issue });
    });
    if (beneficiaries.size < s.beneficiaries.length)
      ctx.addIssue({
        code: 'custom',
        path: ['beneficiaries'],
        message: 'identifiant d’allocataire en double',
      });
    s.events.forEach((e, i) => {
      if (typeof e !== 'object' || e === null || !(e.at instanceof Date) || typeof e.type !== 'string')
        return;
      const issue = (message: string, path: (string | number)[] = []) =>
        ctx.addIssue({ code: 'custom', path: ['events', i, ...path], message });
      if (e.at < s.start || e.at > s.until) issue('événement hors de la période [start, until]', ['at']);
      if (pathEventTypes.includes(e.type as PathEventType)) {
        if (!beneficiaries.has(e.target))
          return issue(`allocataire inconnu : ${quoted(e.target)}`, ['target']);
        const data = pathEventData[e.type as PathEventType].safeParse(e.data ?? {});
        if (!data.success) issue(frenchIssues(data.error), ['data']);
      } else if ((grantEventTypes as readonly string[]).includes(e.type)) {
        if (!grants.has(e.target)) return issue(`subvention inconnue : ${quoted(e.target)}`, ['target']);
        const data = grantEventSchemas[e.type as GrantEventType].safeParse(e.data ?? {});
        if (!data.success) issue(frenchIssues(data.error), ['data']);
      } else {
        issue(`type d’événement inconnu : ${quoted(e.type)}`, ['type']);
      }
    });
  });
export type Scenario = z.output<typeof scenarioSchema>;

export class InvalidScenario extends Error {}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    const size = statSync(file).size;
    if (size > scenarioBounds.fileBytes)
      throw new InvalidScenario(
        `Scénario trop volumineux (${file}) : ${scenarioBounds.fileBytes / 1024 / 1024} Mio au plus.`,
      );
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if (err instanceof InvalidScenario) throw err;
    throw new InvalidScenario(
      `Scénario illisible (${file}) : ${(err as NodeJS.ErrnoException).code ?? 'lecture impossible'}.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new InvalidScenario(`Scénario illisible (${file}) : ce n’est pas du JSON valide.`);
  }
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidScenario(`Scénario invalide : ${frenchIssues(parsed.error)}`);
  return parsed.data;
}

export interface BeneficiaryReport {
  id: string;
  step: string;
  status: 'active' | 'closed';
  deadlines: { kind: string; dueAt: string; metAt: string | null; breached: boolean }[];
  notifications: { at: string; to: string; template: string }[];
  sanctions: {
    decidedAt: string;
    rate: number;
    months: number;
    endedAt: string | null;
    endedBy: string | null;
    /** The EP's avis the suppression was decided on (docs/rules.md §1). */
    epAvis?: { favourable: boolean };
    /** The RAPO against it; `implicit-rejection` when the PCD stayed silent 2 months. */
    appeal?: { filedAt: string; answerDue: string; answeredAt: string | null; outcome: string | null };
  }[];
  rejected: { event: string; error: string }[];
  history: { at: string; step: string }[];
  exit?: { at: string; reason: string };
}
export interface SimulationReport {
  beneficiaries: BeneficiaryReport[];
  grants: (GrantReport & { rejected: { event: string; error: string }[] })[];
}

export interface SimulationOptions {
  testServerPath: string;
  /** A prebuilt workflow bundle (tests); else the workflows are bundled here. */
  workflowBundlePath?: string;
  log?: (message: string) => void;
}

type Step = { at: Date; what: string; run: () => Promise<void> };

export async function simulate(scenario: Scenario, options: SimulationOptions): Promise<SimulationReport> {
  const log = options.log ?? ((m: string) => console.error(`[simulate] ${m}`));
  const sink = await MailSink.start({ smtpPort: 0 });
  // The partners answer from in-process simulators: a scenario never reaches a real partner.
  const partners = await PartnerSimulators.start({ port: 0 });
  // Convocations go to its RDV-Insertion, which knows every beneficiary by its pseudonymous id.
  const rdvi = simulatedRdvInsertionEnv(partners.baseUrl());
  const kept = Object.fromEntries(Object.keys(rdvi).map((k) => [k, process.env[k]]));
  Object.assign(process.env, rdvi);
  for (const b of scenario.beneficiaries) partners.rdvInsertion.addUser(b.id);
  process.env.JALONS_TEST_SERVER_START = scenario.start.toISOString();
  // A key of its own: a simulation's data lives as long as the simulation.
  const dataConverter = encryptedDataConverter(
    parseKeyRing(`simulation:${randomBytes(32).toString('base64')}`),
  );
  const env = await startedInTime(() =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: options.testServerPath } },
      client: { dataConverter },
    }),
  );
  await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  const taskQueue = 'jalons-simulation';
  const rejected = new Map<string, { event: string; error: string }[]>();
  const refuse = (target: string, event: string, error: string) =>
    rejected.set(target, [...(rejected.get(target) ?? []), { event, error }]);
  try {
    const workerOptions: WorkerOptions = {
      connection: env.nativeConnection,
      taskQueue,
      dataConverter,
      activities: activitiesFor(
        { host: '127.0.0.1', port: sink.smtpPort, secure: false, auth: undefined },
        'config/directory.json',
        'memory:',
        partners.config(),
      ),
      ...(options.workflowBundlePath
        ? { workflowBundle: { codePath: options.workflowBundlePath } }
        : { workflowsPath, bundlerOptions: workflowBundlerOptions }),
    };
    // Time is simulated: the notifications' queue is not throttled here.
    const worker = new JalonsWorkers(
      await Worker.create(workerOptions),
      await Worker.create(notificationWorkerOptions(workerOptions, 1_000)),
    );
    const client = env.client;
    const steps = scenarioSteps(env, taskQueue, scenario, refuse);
    // Stable: starts before events at the same instant, events in file order.
    steps.sort((a, b) => a.at.getTime() - b.at.getTime());

    return await worker.runUntil(async () => {
      for (const [i, step] of steps.entries()) {
        await advanceTo(env, step.at);
        log(`étape ${i + 1}/${steps.length} au ${step.at.toISOString()} : ${step.what}`);
        await step.run();
      }
      await advanceTo(env, scenario.until);
      log(`${steps.length} étapes jouées jusqu’au ${scenario.until.toISOString()}`);
      return report(client, scenario, rejected);
    });
  } finally {
    for (const [k, v] of Object.entries(kept))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    await env.teardown();
    await sink.close();
    await partners.close();
  }
}

/** Each beneficiary's and grant's start and each event, as a step at its instant. */
function scenarioSteps(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  scenario: Scenario,
  refuse: (target: string, event: string, error: string) => void,
): Step[] {
  const client = env.client;
  return [
    ...scenario.beneficiaries.map((b) => ({
      at: b.rightsOpenedAt > scenario.start ? b.rightsOpenedAt : scenario.start,
      what: `ouverture du parcours ${b.id}`,
      run: async () => {
        await client.workflow.start<BeneficiaryPath>(pathWorkflowType, {
          taskQueue,
          workflowId: pathWorkflowId(b.id),
          args: [
            {
              beneficiaryId: b.id,
              policy: scenario.policy,
              rightsOpenedAt: b.rightsOpenedAt.toISOString(),
              territory: b.territory,
              household: b.household,
            },
          ],
        });
      },
    })),
    ...scenario.grants.map((g) => ({
      at: scenario.start,
      what: `ouverture de la subvention ${g.id}`,
      run: () => startGrant(client, taskQueue, g, scenario.start),
    })),
    ...scenario.events.map((e) => ({
      at: e.at,
      what: `${e.type} sur ${e.target}`,
      run: async () => {
        const isPath = pathEventTypes.includes(e.type as PathEventType);
        await settle(env, client, isPath ? pathWorkflowId(e.target) : grantWorkflowId(e.target));
        const error = isPath ? await applyToPath(client, e) : await applyToGrant(client, e);
        if (error) refuse(e.target, e.type, error);
      },
    })),
  ];
}

async function advanceTo(env: TestWorkflowEnvironment, at: Date): Promise<void> {
  const now = await env.currentTimeMs();
  if (at.getTime() > now) await env.sleep(at.getTime() - now);
}

async function applyToPath(client: Client, e: Scenario['events'][number]): Promise<string | null> {
  const handle = client.workflow.getHandle(pathWorkflowId(e.target));
  const state = await patientQuery(client, () => handle.query(stateQuery));
  const event = { type: e.type, at: e.at.toISOString(), ...(e.by ? { by: e.by } : {}), data: e.data ?? {} };
  // The test server drops an Update its validator refused (without its message): the same
  // pure rules, run on the path's current state, give the French reason first.
  const refusal = refusalOf(state, event, e.at);
  if (refusal) return refusal;
  if (partnerEventTypes.includes(e.type as PathEventType))
    await handle.signal(partnerEventSignal, event as never);
  else await handle.executeUpdate(pathEventUpdate, { args: [event as never] });
  return null;
}

async function report(
  client: Client,
  scenario: Scenario,
  rejected: Map<string, { event: string; error: string }[]>,
): Promise<SimulationReport> {
  const beneficiaries: BeneficiaryReport[] = [];
  for (const b of scenario.beneficiaries) {
    const handle = client.workflow.getHandle(pathWorkflowId(b.id));
    const state = await patientQuery(client, () => handle.query(stateQuery));
    beneficiaries.push(beneficiaryReport(state, rejected.get(b.id) ?? []));
  }
  const grants: SimulationReport['grants'] = [];
  for (const g of scenario.grants)
    grants.push({ ...(await grantReport(client, g.id)), rejected: rejected.get(g.id) ?? [] });
  return { beneficiaries, grants };
}

export function beneficiaryReport(
  s: PathState,
  refused: { event: string; error: string }[],
): BeneficiaryReport {
  return {
    id: s.beneficiaryId,
    step: s.step,
    status: s.status,
    deadlines: s.deadlines.map((d) => ({
      kind: d.kind,
      dueAt: d.dueAt,
      metAt: d.metAt,
      breached: d.breached,
    })),
    notifications: s.notifications.map((n) => ({ at: n.at, to: n.to, template: n.template })),
    sanctions: s.sanctions.map((x) => ({
      decidedAt: x.decidedAt,
      rate: x.rate,
      months: x.months,
      endedAt: x.endedAt,
      endedBy: x.endedBy,
      ...(x.epAvis ? { epAvis: { favourable: x.epAvis.favourable } } : {}),
      ...(x.appeal
        ? {
            appeal: {
              filedAt: x.appeal.filedAt,
              answerDue: x.appeal.answerDue,
              answeredAt: x.appeal.answeredAt,
              outcome: x.appeal.outcome,
            },
          }
        : {}),
    })),
    rejected: [...refused, ...s.rejected.map((r) => ({ event: r.event, error: r.error }))],
    history: s.history.map((h) => ({ at: h.at, step: h.step })),
    ...(s.exit ? { exit: s.exit } : {}),
  };
}
