/**
 * The structured logs (issue 19): one JSON object per line with its level, time, service and
 * message; the workflow id where there is one (the Temporal SDK's metadata through
 * temporalLogger, an activity's context through inActivity); sensitive keys masked wherever
 * they sit; a request logged without its address nor its query string.
 */
import { Writable } from 'node:stream';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createLogger, inActivity, logFormat, REDACTED, temporalLogger } from '../../observability/logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ service: 'worker', env: { NODE_ENV: 'production' }, destination });
  return {
    logger,
    parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    raw: () => lines.join('\n'),
  };
}

describe('structured logs', () => {
  it('writes one JSON object per line, with the workflow id the SDK gives, and masks sensitive keys', () => {
    const { logger, parsed, raw } = capture();
    temporalLogger(logger).info('Activity completed', {
      workflowId: 'parcours-B-0042',
      activityType: 'sendNotification',
      taskQueue: 'jalons-notifications',
      sdkComponent: 'activity',
    });
    logger.warn(
      {
        workflowId: 'parcours-B-0042',
        password: 'motdepasse-secret-1',
        smtp: { auth: { pass: 'secret-relais-2' } },
        headers: { authorization: 'Bearer jalons_secret3', cookie: 'session=secret4' },
        person: { email: 'jeanne.martin@example.fr', nir: '2840575123456' },
        token: 'jalons_secret5',
      },
      'relais SMTP refusé',
    );
    const [sdk, warn] = parsed();
    expect(sdk).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      service: 'worker',
      workflowId: 'parcours-B-0042',
      activityType: 'sendNotification',
      taskQueue: 'jalons-notifications',
      sdkComponent: 'activity',
      msg: 'Activity completed',
    });
    expect(warn).toMatchObject({
      level: 'warn',
      service: 'worker',
      workflowId: 'parcours-B-0042',
      msg: 'relais SMTP refusé',
      password: REDACTED,
      smtp: { auth: { pass: REDACTED } },
      headers: { authorization: REDACTED, cookie: REDACTED },
      person: { email: REDACTED, nir: REDACTED },
      token: REDACTED,
    });
    for (const secret of [
      'motdepasse-secret-1',
      'secret-relais-2',
      'secret3',
      'secret4',
      'jeanne.martin',
      '2840575123456',
      'secret5',
    ])
      expect(raw()).not.toContain(secret);
  });

  it('puts the workflow id of the activity’s context on each line', async () => {
    const { logger, parsed } = capture();
    const env = new MockActivityEnvironment({
      workflowExecution: { workflowId: 'parcours-B-0043', runId: 'r1' },
      activityType: 'recordPath',
    });
    await env.run(async () => inActivity(logger).info('écrit'));
    inActivity(logger).info('hors activité');
    const [inside, outside] = parsed();
    expect(inside).toMatchObject({ workflowId: 'parcours-B-0043', activityType: 'recordPath', msg: 'écrit' });
    expect(outside).not.toHaveProperty('workflowId');
  });

  it('logs a request without the client’s address nor its query string', () => {
    const { logger, parsed } = capture();
    logger.info(
      {
        req: { id: 'req-1', method: 'GET', url: '/parcours/B-0042?q=Martin', ip: '203.0.113.9', socket: {} },
      },
      'incoming request',
    );
    expect(parsed()[0]!.req).toEqual({ id: 'req-1', method: 'GET', path: '/parcours/B-0042' });
  });

  it('is JSON in production or when asked, readable otherwise', () => {
    expect(logFormat({ NODE_ENV: 'production' })).toBe('json');
    expect(logFormat({ JALONS_LOG_FORMAT: 'json' })).toBe('json');
    expect(logFormat({})).toBe('pretty');
    expect(logFormat({ NODE_ENV: 'production', JALONS_LOG_FORMAT: 'pretty' })).toBe('pretty');
  });
});
