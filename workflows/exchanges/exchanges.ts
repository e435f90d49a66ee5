/**
 * The other exchanges of issue 9, each a short workflow a Schedule (or the CLI)
 * starts: the offer catalogue's daily sync, MonJob62 both ways, the reminder
 * before a reporting campaign (with its reports ready), a report on demand,
 * and the exchanges' status for the CLI. A partner's final failure alerts a person.
 */
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { CampaignReports, ExchangesStatus } from '../../activities/exchanges/index.js';
import type { CatalogueSyncSummary } from '../../services/catalogue.js';
import type { AssignmentImportSummary } from '../../activities/exchanges/monjob.js';
import type { Report } from '../../store/reporting.js';
import type { Role } from '../../domain/policy.js';
import { getCampaign, type ConventionId, type ReportPeriod } from '../../domain/reporting.js';
import { partnerActivityOptions, partnerFailureForHumans } from '../shared/partner-retry.js';
import { sendNotification } from '../notifications/notify.js';

const local = wf.proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});
/** A sync waits out an outage for a few hours, then tells a person; tomorrow's run starts afresh. */
const partner = wf.proxyActivities<Activities>({
  ...partnerActivityOptions,
  startToCloseTimeout: '10 minutes',
  scheduleToCloseTimeout: '4 hours',
});

async function alert(
  key: string,
  template: string,
  data: Record<string, string>,
  role: Role = 'head-of-service',
) {
  await sendNotification({ key: `${wf.workflowInfo().workflowId}/${key}`, template, to: { role }, data });
}

/** Runs a partner step; its final failure becomes an alert and a `failed` result. */
async function orAlert<T>(exchange: string, step: () => Promise<T>): Promise<T | { failed: string }> {
  try {
    return await step();
  } catch (err) {
    const failure = partnerFailureForHumans(err);
    if (!failure) throw err;
    await alert(`echec/${exchange}`, 'alert.exchange-failed', { exchange, message: failure.message });
    return { failed: failure.message };
  }
}

export async function catalogueSync(): Promise<CatalogueSyncSummary | { failed: string }> {
  return orAlert('catalogue', () => partner.catalogueSync());
}

export interface MonjobSyncResult {
  exported: { pushed: number; duplicates: number; batches: number } | { failed: string };
  imported: AssignmentImportSummary | { failed: string };
}

export async function monjobSync(): Promise<MonjobSyncResult> {
  const exported = await orAlert('monjob-export', () => partner.monjobExportEvents());
  const imported = await orAlert('monjob-import', () => partner.monjobImportAssignments());
  if ('rejected' in imported && imported.rejected.length > 0)
    await alert('monjob-import/rejets', 'alert.monjob-assignments', {
      count: String(imported.rejected.length),
      lines: imported.rejected
        .map((r) => `${r.assignmentId ?? `n° ${r.position}`}|${r.beneficiaryId ?? '—'}|${r.reason}`)
        .join('\n'),
    });
  return { exported, imported };
}

/** Before a reporting campaign: the reports are built, and the grants team gets them with the deadline. */
export async function reportingCampaignReminder(input: { campaign: string }): Promise<CampaignReports> {
  const campaign = getCampaign(input.campaign);
  const prepared = await local.reportingPrepareCampaign({
    campaign: campaign.id,
    at: new Date(Date.now()).toISOString(),
  });
  await sendNotification({
    key: `reporting/${campaign.id}/${prepared.period.from}`,
    template: 'reminder.reporting-campaign',
    to: { role: 'grants-team' },
    data: {
      title: campaign.title,
      deadline: campaign.deadline,
      from: prepared.period.from,
      to: prepared.period.to,
      reports: prepared.reports.map((r) => `${r.title}\n${r.lines}`).join('\n\n'),
      conventions: campaign.conventions.join(','),
    },
  });
  return prepared;
}

/** A report on demand (CLI): built by the worker, which holds the read model. */
export async function indicatorReport(input: {
  convention: ConventionId;
  period: ReportPeriod;
}): Promise<Report> {
  return local.reportingBuild(input);
}

export async function exchangesStatusReport(): Promise<ExchangesStatus> {
  return local.exchangesStatus();
}
