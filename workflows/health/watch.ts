/**
 * The health watch (docs/health.md): started every 2 minutes by a Schedule, it
 * asks Temporal's visibility which paths and grant cycles stopped or keep failing
 * their workflow task (activities/health/incidents.ts), and starts one alert per new
 * incident. The alert is its own workflow, id `alerte-incident-<n>`, started
 * with a reuse policy that refuses a second start: however many watch runs see
 * the incident before its alert is marked sent, it is alerted once.
 */
import * as wf from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../../activities/index.js';
import type {
  AlertIncident,
  HealthReport,
  Restarted,
  WatchResult,
} from '../../activities/health/incidents.js';
import { sendRecorded } from '../notifications/notify.js';

const { watchWorkflows, markIncidentAlerted } = wf.proxyActivities<Activities>({
  // A sweep of thousands of Describes on a busy cluster: minutes, not seconds.
  startToCloseTimeout: '10 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 5,
  },
});

/** Who is told of an incident (roles of the directory, config/directory.json). */
export const INCIDENT_RECIPIENTS = ['head-of-service', 'administrators'] as const;

export const alertWorkflowId = (incidentId: number): string => `alerte-incident-${incidentId}`;

export type HealthWatchReport = Omit<WatchResult, 'toAlert'> & { alertsStarted: number };

export async function healthWatch(): Promise<HealthWatchReport> {
  const { toAlert, ...result } = await watchWorkflows({ at: new Date(Date.now()).toISOString() });
  let alertsStarted = 0;
  for (const incident of toAlert) {
    try {
      await wf.startChild(incidentAlert, {
        workflowId: alertWorkflowId(incident.id),
        args: [incident],
        parentClosePolicy: 'ABANDON',
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      alertsStarted++;
    } catch (err) {
      // Started by an earlier watch run: that alert is the one.
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return { ...result, alertsStarted };
}

/** One e-mail per recipient role, through the notifications' rate-limited queue; then marked sent. */
export async function incidentAlert(incident: AlertIncident): Promise<void> {
  const records: { id: string; failed?: string }[] = [];
  for (const role of INCIDENT_RECIPIENTS)
    await sendRecorded(records, {
      key: role,
      template: 'alert.incident',
      recipient: { role },
      data: {
        workflowId: incident.workflowId,
        workflowType: incident.workflowType,
        kind: incident.kind,
        reason: incident.reason,
        since: incident.since,
      },
    });
  await markIncidentAlerted({ id: incident.id });
}

const admin = wf.proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3, nonRetryableErrorTypes: ['ActionRefused'] },
});

/** `jalons sante`: the report, read on a worker (the read model is the workers'). */
export async function healthStatus(): Promise<HealthReport> {
  return admin.healthReport();
}

/** `jalons sante relancer`: restarts a stopped path from its recorded state, in `by`'s name. */
export async function healthRestart(input: { id: string; by: string }): Promise<Restarted> {
  // Once: a restart that started the new run and then failed must not be refused as « running ».
  const { restartStoppedPath } = wf.proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { maximumAttempts: 1 },
  });
  return restartStoppedPath(input);
}
