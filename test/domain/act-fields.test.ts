import { describe, expect, it } from 'vitest';
import {
  actFieldTexts,
  actFields,
  actLabels,
  actsOffered,
  schemaFieldNames,
} from '../../domain/path/act-fields.js';
import { pathEventTypes } from '../../domain/path/path-events.js';
import { newPathState, refusalOf, applyPathEvent } from '../../domain/path/path-machine.js';

describe('act forms are read from the path event schemas', () => {
  it('every field of every act’s schema has a French label (a new field cannot be forgotten)', () => {
    for (const type of pathEventTypes) {
      expect(actLabels[type], type).toBeTruthy();
      const texts = actFieldTexts[type] as Record<string, { label: string }>;
      for (const name of schemaFieldNames(type)) expect(texts[name]?.label, `${type}.${name}`).toBeTruthy();
      // …and no label for a field the schema no longer has.
      expect(Object.keys(texts).sort(), type).toEqual(schemaFieldNames(type).sort());
    }
  });

  it('reads each field’s kind, requirement and choices from the schema', () => {
    const contract = Object.fromEntries(actFields('contract.signed').map((f) => [f.name, f]));
    expect(contract.weeklyHours).toMatchObject({ kind: 'number', required: true });
    expect(contract.intensive).toMatchObject({ kind: 'boolean', required: true });
    expect(contract.reduction).toMatchObject({ kind: 'string', required: false });
    expect(contract.exemption?.options).toEqual([
      'health',
      'disability',
      'invalidity',
      'lone-parent-childcare',
    ]);
    expect(actFields('appointment.scheduled')[0]).toMatchObject({
      name: 'at',
      kind: 'instant',
      required: true,
    });
    expect(actFields('diagnostic.completed')[0]).toMatchObject({ kind: 'list' });
    expect(actFields('orientation.decided')[0]?.options).toEqual([
      'employment',
      'socio-professional',
      'social',
    ]);
    expect(actFields('sanction.decided').find((f) => f.name === 'suppression')?.required).toBe(false);
  });

  it('offers only the acts the path’s step admits', () => {
    const opened = new Date('2026-03-02T09:00:00+01:00');
    const s = newPathState({
      beneficiaryId: 'AF-1',
      rightsOpenedAt: opened.toISOString(),
      territory: 'lens-lievin',
    });
    // Who is concerned and the registration are facts about the person, recorded at any step.
    expect(actsOffered(s)).toEqual([
      'orientation.decided',
      'reminders.switched',
      'rights.ended',
      'duties.status',
      'registration.status',
    ]);
    const at = (days: number) => new Date(opened.getTime() + days * 86_400_000);
    applyPathEvent(
      s,
      { type: 'orientation.decided', data: { track: 'social', organisation: 'cd62', referent: 'ref-1' } },
      at(1),
    );
    const offered = actsOffered(s);
    expect(offered).toContain('appointment.attended');
    expect(offered).toContain('contract.signed');
    expect(offered).not.toContain('orientation.decided');
    expect(offered).not.toContain('interview.held');
    // An act left out is one the path refuses at this step.
    expect(refusalOf(s, { type: 'interview.held' }, at(2))).toMatch(/après la signature du contrat/);
    expect(refusalOf(s, { type: 'diagnostic.completed', data: { barriers: [] } }, at(2))).toMatch(
      /premier rendez-vous/,
    );
    applyPathEvent(s, { type: 'rights.ended', data: { reason: 'job' } }, at(3));
    expect(actsOffered(s)).toEqual([]);
  });
});
