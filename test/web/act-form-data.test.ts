import { describe, expect, it } from 'vitest';
import { parisLocalToIso, readActForm, refusalByField } from '../../apps/web/act-form-data.js';
import { directoryOrganisations } from '../../apps/web/path-routes.js';

const organisations = [{ code: 'ccas-lens', name: 'CCAS de Lens', referents: ['ref-77'] }];

describe('an act form read back into the path’s event', () => {
  it('reads typed fields into the act’s data (numbers, checkboxes, Paris dates), never JSON', () => {
    const read = readActForm(
      {
        type: 'contract.signed',
        seen: '3',
        weeklyHours: '7,5',
        intensive: 'true',
        reduction: ' santé ',
        exemption: '',
      },
      organisations,
    );
    expect(read.errors).toEqual({});
    expect(read.event).toEqual({
      type: 'contract.signed',
      seen: 3,
      data: { weeklyHours: 7.5, intensive: true, reduction: 'santé' },
    });
    // Winter and summer time in Paris; seconds kept.
    expect(parisLocalToIso('2026-01-15T09:30')).toBe('2026-01-15T08:30:00.000Z');
    expect(parisLocalToIso('2026-07-15T09:30:12')).toBe('2026-07-15T07:30:12.000Z');
    expect(parisLocalToIso('15/01/2026')).toBeNull();
    const scheduled = readActForm(
      { type: 'appointment.scheduled', at: '2026-07-15T09:30', dateActe: '2026-07-01T10:00' },
      [],
    );
    expect(scheduled.event).toMatchObject({
      at: '2026-07-01T08:00:00.000Z',
      data: { at: '2026-07-15T07:30:00.000Z' },
    });
  });

  it('ties each refusal to its field, in French naming it', () => {
    const over = readActForm({ type: 'contract.signed', weeklyHours: '90' }, organisations).errors;
    expect(over.weeklyHours).toBe('Heures d’activité : au plus 80 heures par semaine');
    expect(readActForm({ type: 'activity.declared', hours: 'quinze' }, []).errors.hours).toContain(
      'nombre attendu',
    );
    expect(
      readActForm({ type: 'activity.declared', hours: '5', dateActe: 'hier' }, []).errors.dateActe,
    ).toContain('Date de l’acte');
    const orientation = (organisation: string, referent: string) =>
      readActForm({ type: 'orientation.decided', track: 'social', organisation, referent }, organisations)
        .errors;
    expect(orientation('ccas-lens', 'ref-77')).toEqual({});
    expect(orientation('ccas-lens', 'ref-1').referent).toContain(
      'n’est pas un référent de l’organisme CCAS de Lens',
    );
    expect(orientation('cd99', 'ref-77').organisation).toContain('pas dans l’annuaire');
    expect(() => readActForm({ type: 'nimporte.quoi' }, [])).toThrow('Acte inconnu');
    // The workflow's refusals, by what they speak of.
    expect(
      refusalByField('contract.signed', 'Moins de 15 heures d’activité par semaine suppose une réduction'),
    ).toHaveProperty('weeklyHours');
    expect(refusalByField('interview.held', 'Un acte ne peut être daté dans le futur.')).toHaveProperty(
      'dateActe',
    );
    expect(
      refusalByField('interview.held', 'Le dossier a changé depuis que vous l’avez ouvert'),
    ).toHaveProperty('');
  });

  it('reads the directory’s organisations and référents', () => {
    const listed = directoryOrganisations('config/directory.json');
    expect(listed.find((o) => o.code === 'ccas-lens')?.referents).toContain('ref-77');
    expect(directoryOrganisations('/nonexistent/directory.json')).toEqual([]);
  });
});
