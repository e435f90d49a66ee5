/**
 * The CLI in French (issue 16): `jalons --help` lists the French commands and
 * options alone; each group's English name of version 1.0 still works for one
 * release, hidden; `jalons retards` reads the read model in this process (an
 * embedded one here), refused in French while the stack holds it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jalonsCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jalons-cli-french-'));
const readModel = join(dir, 'readmodel');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// No Temporal server: the commands here either need none, or stop at their help or their refusal.
const jalons = jalonsCli(() => ({
  address: '127.0.0.1:1',
  taskQueue: 'cli-french',
  env: { JALONS_READMODEL_URL: readModel, JALONS_SERVER_URL: '' },
}));

const commandsOf = (help: string) =>
  help
    .split('Commandes :')[1]!
    .split('\n')
    .map((l) => /^ {2}([a-z-]+)/.exec(l)?.[1])
    .filter(Boolean);

describe('jalons in French', () => {
  it('--help lists the French commands and options, never the old English names', async () => {
    const help = await jalons('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Utilisation : jalons [options] [commande]');
    expect(commandsOf(help.stdout)).toEqual([
      'demarrer',
      'parcours',
      'retards',
      'moi',
      'simuler',
      'import',
      'exemple-caf',
      'rgpd',
      'sante',
      'modele-lecture',
      'compte',
      'echange',
      'rapport',
      'rdv-insertion',
      'courriers',
      'subvention',
      'aide',
    ]);
    for (const old of ['path', 'grant', 'account', 'late', 'whoami', 'simulate', 'sample-caf', '|'])
      expect(help.stdout).not.toContain(` ${old} `);

    const path = await jalons('parcours', '--help');
    expect(commandsOf(path.stdout)).toEqual(['demarrer', 'voir', 'orienter', 'acte', 'suggerer', 'aide']);
    const grant = await jalons('subvention', '--help');
    expect(commandsOf(grant.stdout)).toEqual([
      'programmes',
      'echeances',
      'demarrer',
      'voir',
      'jalon',
      'decision',
      'versement',
      'rapport',
      'denoncer',
      'resoudre',
      'planifier',
      'reversement',
      'mise-en-demeure',
      'resiliation',
      'avenant',
      'aide',
    ]);
    const pay = await jalons('subvention', 'versement', '--help');
    expect(pay.stdout).toMatch(
      /--type <t>[\s\S]*--montant <euros>[\s\S]*--date <instant>[\s\S]*--par <agent>/,
    );
    expect(pay.stdout).not.toMatch(/--(kind|amount|at|by)\b/);
    const late = await jalons('retards', '--help');
    expect(late.stdout).toMatch(
      /--territoire <t>[\s\S]*--organisation <o>[\s\S]*--referent <r>[\s\S]*--etape <e>/,
    );
    expect(late.stdout).not.toMatch(/--(territory|step)\b/);
  }, 60_000);

  it('each group’s old English name still works, with its old options (hidden, one release)', async () => {
    // parcours (path suggest --qualified --projects), no server needed.
    const suggest = await jalons(
      'path',
      'suggest',
      '--horizon',
      'now',
      '--qualified',
      '--projects',
      '--json',
    );
    expect(suggest.code).toBe(0);
    expect(JSON.parse(suggest.stdout)).toMatchObject({ track: 'employment' });
    // subvention (grant deadlines): the programme's milestones, read from domain/grants/.
    const deadlines = await jalons('grant', 'deadlines', 'cnsa-ami-2026', '--json');
    expect(deadlines.code).toBe(0);
    expect(JSON.parse(deadlines.stdout)).toMatchObject({ programme: 'cnsa-ami-2026' });
    // exemple-caf (sample-caf --count).
    const file = join(dir, 'flux.csv');
    const sample = await jalons('sample-caf', file, '--count', '3');
    expect(sample.code).toBe(0);
    expect(readFileSync(file, 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(4);
    // rgpd (purge --months): the old option is read as --mois, and refused in French by its new name.
    const months = await jalons('rgpd', 'purge', '--dry-run', '--months', 'douze');
    expect(months.code).toBe(3);
    expect(months.stderr).toMatch(/^Refusé : --mois : /);
    // The groups that need Temporal resolve their old names to the French commands.
    for (const [args, usage] of [
      [['echange', 'schedules'], 'jalons echange planifier'],
      [['grant', 'pay'], 'jalons subvention versement'],
      [['rgpd', 'schedule'], 'jalons rgpd planifier'],
      [['start'], 'jalons demarrer'],
    ] as const) {
      const r = await jalons(...args, '--help');
      expect(r.stdout, args.join(' ')).toContain(`Utilisation : ${usage} `);
    }
  }, 90_000);

  it('compte and retards open the read model (old names: account list, late --territory)', async () => {
    const accounts = await jalons('account', 'list', '--json');
    expect(accounts.code).toBe(0);
    expect(JSON.parse(accounts.stdout)).toEqual([]);
    const late = await jalons('late', '--territory', 'lens-lievin');
    expect(late.code).toBe(0);
    expect(late.stdout.trim()).toBe('0 échéance(s) en retard');
    const bad = await jalons('retards', '--territoire', 'Lens Liévin');
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/^Refusé : Filtre invalide : territoire/);
    // A stack holding the embedded read model (this test's own process stands for it).
    writeFileSync(`${readModel}.lock`, String(process.pid));
    const busy = await jalons('retards');
    expect(busy.code).toBe(3);
    expect(busy.stderr).toContain('est ouvert par la pile');
    expect(busy.stderr).toContain('page « Retards »');
    rmSync(`${readModel}.lock`);
  }, 90_000);

  it('commander’s own errors are French', async () => {
    const unknown = await jalons('parcours', 'voir', 'X-1', '--inconnue');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('option inconnue « --inconnue »');
    const missing = await jalons('subvention', 'demarrer', 'G-1');
    expect(missing.stderr).toContain('option obligatoire absente : « --programme <id> »');
  }, 60_000);
});
