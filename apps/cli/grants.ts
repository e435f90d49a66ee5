/**
 * `jalons subvention …`: the grant cycles from the command line. Read commands take
 * --json; a refused act exits 3 with its French reason (ActionRefused, as the
 * path commands).
 */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { formatParis } from '../../domain/calendar.js';
import {
  formatDue,
  paymentKinds,
  reportKinds,
  type GrantAction,
  type GrantState,
} from '../../domain/grants/cycle.js';
import { getProgramme, programmeIds, resolveDeadline, type Programme } from '../../domain/grants/index.js';
import type { Config } from '../../workers/config.js';
import { registerConventionActCommands } from './grant-acts.js';
import {
  actOnGrant,
  ActionRefused,
  ensureGrantSchedules,
  showGrant,
  startGrantCycle,
} from '../../services/grants.js';

export interface GrantCliDeps {
  loadConfig: () => Config;
  connectClient: (config: Config) => Promise<Client>;
}

const statusLabels: Record<GrantState['status'], string> = {
  active: 'en cours',
  'not-admissible': 'non recevable',
  completed: 'terminé',
  denounced: 'dénoncée (court jusqu’à la fin de sa période)',
  ended: 'terminée (dénoncée)',
  terminated: 'résiliée',
};
const milestoneStatusLabels: Record<string, string> = {
  done: 'fait',
  late: 'fait en retard',
  missed: 'manqué',
  pending: 'à faire',
  'not-recorded': 'non enregistré (un fait postérieur le suppose)',
};
const funderLabels: Record<Programme['funder'], string> = {
  cnsa: 'CNSA',
  etat: 'État',
  'france-travail': 'France Travail',
};

const paris = (iso: string | null): string => (iso ? formatParis(new Date(iso), true) : '—');

/** What the deadline of a milestone says, in French, with its Paris and UTC instants when fixed. */
function deadlineText(m: Programme['milestones'][number]): {
  paris: string | null;
  utc: string | null;
  rule: string;
} {
  const d = m.deadline;
  if (!d) return { paris: null, utc: null, rule: 'sans échéance' };
  // Fixed forms need no completed milestone; relative ones are known once their reference is done.
  const fixed = resolveDeadline(m, {});
  if (fixed)
    return {
      paris: formatDue(fixed),
      utc: fixed.toISOString(),
      rule: d.kind === 'instant' ? 'à l’heure dite (heure de Paris)' : 'fin de journée (heure de Paris)',
    };
  if (d.kind === 'after') {
    const [unit, n] = Object.entries(d.delay)[0] as [string, number];
    const units: Record<string, string> = { days: 'jours', weeks: 'semaines', months: 'mois' };
    return { paris: null, utc: null, rule: `${n} ${units[unit] ?? unit} après « ${d.milestone} »` };
  }
  const ref = d.kind === 'yearly' && 'milestone' in d.reference ? d.reference.milestone : '?';
  const on = d.kind === 'yearly' ? `${d.on.slice(3)}/${d.on.slice(0, 2)}, N+${d.yearOffset}` : '';
  return { paris: null, utc: null, rule: `le ${on} de l’année de « ${ref} »` };
}

function describeGrant(s: GrantState): string {
  const lines = [
    `Subvention ${s.id} — ${s.title}`,
    `  programme ${s.programme}, ${statusLabels[s.status]}${s.closedAt ? ` depuis le ${paris(s.closedAt)}` : ''}`,
  ];
  if (s.convention)
    lines.push(
      `  convention : période ${s.convention.period + 1}, du ${s.convention.start.split('-').reverse().join('/')} au ${s.convention.end.split('-').reverse().join('/')}` +
        (s.convention.denouncedAt ? `, dénoncée le ${paris(s.convention.denouncedAt)}` : ''),
    );
  lines.push('Jalons :');
  for (const m of s.milestones.filter((x) => x.applies))
    lines.push(
      `  ${m.id.padEnd(24)} ${milestoneStatusLabels[m.status] ?? m.status}`.padEnd(44) +
        ` échéance ${m.dueAt ? formatDue(new Date(m.dueAt)) : '—'}` +
        (m.doneAt ? `, fait le ${paris(m.doneAt)}${m.by ? ` par ${m.by}` : ''}` : ''),
    );
  if (s.payments.length) {
    lines.push('Versements :');
    for (const p of s.payments.filter((x) => x.amount > 0))
      lines.push(
        `  ${p.kind.padEnd(10)} ${euro(p.amount)}  dû ${p.dueAt ? formatDue(new Date(p.dueAt)) : '—'}` +
          (p.paid ? `, versé ${euro(p.paid)}${p.paidAt ? ` le ${paris(p.paidAt)}` : ''}` : ''),
      );
  }
  lines.push(`Messages envoyés : ${s.notifications.length}`);
  for (const n of s.notifications.slice(-5)) lines.push(`  ${paris(n.at)}  ${n.template} → ${n.to}`);
  return lines.join('\n');
}

const euro = (n: number): string =>
  `${n.toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;

/** `1234,56` or `1234.56` → 1234.56; anything else refused in French. */
function amountArg(raw: string, what: string): number {
  const n = Number(raw.replace(/\s/g, '').replace(',', '.'));
  if (!/^\d+([.,]\d{1,2})?$/.test(raw.replace(/\s/g, '')) || !Number.isFinite(n))
    throw new ActionRefused(`${what} invalide : « ${raw} » (un montant en euros, au plus 2 décimales).`);
  return n;
}

/** The `subvention` command and what its subcommands share: a Temporal client, how a cycle prints, an act. */
function grantCli(program: Command, deps: GrantCliDeps) {
  const connect = async () => {
    const config = deps.loadConfig();
    return { client: await deps.connectClient(config), taskQueue: config.taskQueue };
  };
  const grant = program
    .command('subvention')
    .description('cycles de subvention (CNSA, État, France Travail)');
  const print = (s: GrantState, json?: boolean) =>
    console.log(json ? JSON.stringify(s, null, 2) : describeGrant(s));
  const act = async (id: string, action: GrantAction, json?: boolean) => {
    const { client } = await connect();
    print(await actOnGrant(client, id, action), json);
  };
  const when = (o: { date?: string; par?: string }) => ({
    ...(o.date ? { at: o.date } : {}),
    ...(o.par ? { by: o.par } : {}),
  });
  return { grant, connect, print, act, when };
}
type GrantCli = ReturnType<typeof grantCli>;
/** The options every act takes: when, by whom, and --json. */
type Dated = { date?: string; par?: string; json?: boolean };

export function registerGrantCommands(program: Command, deps: GrantCliDeps): void {
  const cli = grantCli(program, deps);
  registerProgrammeCommands(cli);
  registerCycleCommands(cli);
  registerMoneyCommands(cli);
  registerEndingCommands(cli);
  registerConventionActCommands(cli, amountArg);
}

/** `subvention programmes`, `subvention echeances`: what the programmes are, read from domain/grants/. */
function registerProgrammeCommands(cli: GrantCli): void {
  const { grant } = cli;
  grant
    .command('programmes')
    .description('liste les programmes de subvention connus')
    .option('--json', 'sortie JSON')
    .action((o: { json?: boolean }) => {
      const list = programmeIds().map((id) => {
        const p = getProgramme(id);
        return { id, funder: p.funder, title: p.title, milestones: p.milestones.map((m) => m.id) };
      });
      if (o.json) return console.log(JSON.stringify(list, null, 2));
      for (const p of list)
        console.log(`${p.id.padEnd(32)} ${funderLabels[getProgramme(p.id).funder].padEnd(15)} ${p.title}`);
    });

  grant
    .command('echeances <programme>')
    .description('échéances d’un programme (heure de Paris et UTC)')
    .option('--json', 'sortie JSON')
    .action((id: string, o: { json?: boolean }) => {
      let p: Programme;
      try {
        p = getProgramme(id);
      } catch (err) {
        throw new ActionRefused(
          `${(err as Error).message[0]?.toUpperCase()}${(err as Error).message.slice(1)}.`,
        );
      }
      const rows = p.milestones.map((m) => {
        const d = deadlineText(m);
        return {
          id: m.id,
          title: m.title,
          responsible: m.responsible,
          dueAtParis: d.paris,
          dueAt: d.utc,
          rule: d.rule,
          remindDaysBefore: m.remindDaysBefore,
          onMiss: m.onMiss,
          pieces: m.pieces.map((x) => x.id),
        };
      });
      if (o.json) return console.log(JSON.stringify({ programme: p.id, milestones: rows }, null, 2));
      console.log(`${p.title} (${p.id})`);
      for (const r of rows)
        console.log(
          `  ${r.id.padEnd(24)} ${r.dueAtParis ? `${r.dueAtParis}, heure de Paris — ${r.dueAt} UTC` : r.rule}  [${r.responsible}]`,
        );
    });
}

/** `subvention demarrer`, `subvention voir`, `subvention jalon`: a cycle opened, read, its milestones done. */
function registerCycleCommands(cli: GrantCli): void {
  const { grant, connect, print, act, when } = cli;
  grant
    .command('demarrer <subvention>')
    .description('démarre le cycle de la subvention (sans effet s’il existe déjà)')
    .requiredOption('--programme <id>', `programme (${programmeIds().join(', ')})`)
    .option('--debut <instant>', 'début du suivi, ISO-8601 avec fuseau (par défaut : maintenant)')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: { programme: string; debut?: string; json?: boolean }) => {
      const { client, taskQueue } = await connect();
      const r = await startGrantCycle(client, taskQueue, {
        grantId: id,
        programme: o.programme,
        ...(o.debut ? { startedAt: o.debut } : {}),
      });
      console.log(
        o.json
          ? JSON.stringify(r)
          : r.created
            ? `Cycle de subvention ${r.workflowId} démarré.`
            : `Le cycle ${r.workflowId} existe déjà : rien n’a changé.`,
      );
    });

  grant
    .command('voir <subvention>')
    .description('affiche l’état du cycle de subvention')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      const { client } = await connect();
      print(await showGrant(client, id), o.json);
    });

  grant
    .command('jalon <subvention> <jalon>')
    .description('enregistre un jalon fait')
    .option('--date <instant>', 'date de l’acte (par défaut : maintenant ; jamais dans le futur)')
    .option('--par <agent>', 'agent qui enregistre l’acte')
    .option('--pieces <liste>', 'pièces jointes, séparées par des virgules (ex. annexe-1,annexe-2)')
    .option('--reference <numéro>', 'numéro de l’acte : la délibération part au contrôle de légalité')
    .option('--json', 'sortie JSON')
    .action(
      async (
        id: string,
        milestone: string,
        o: { date?: string; par?: string; pieces?: string; reference?: string; json?: boolean },
      ) =>
        act(
          id,
          {
            type: 'complete',
            milestone,
            ...when(o),
            ...(o.reference !== undefined ? { reference: o.reference } : {}),
            ...(o.pieces !== undefined
              ? {
                  pieces: o.pieces
                    .split(',')
                    .map((x) => x.trim())
                    .filter(Boolean),
                }
              : {}),
          },
          o.json,
        ),
    );
}

/** `subvention decision`, `subvention versement`, `subvention rapport`: the funder's decision, the money, the reports. */
function registerMoneyCommands(cli: GrantCli): void {
  const { grant, act, when } = cli;
  grant
    .command('decision <subvention>')
    .description('enregistre la décision du financeur (montant en euros)')
    .requiredOption('--montant <euros>', 'montant décidé')
    .option('--enveloppe <e>', 'base | complementary', 'base')
    .option('--cofinancement <euros>', 'cofinancement des partenaires (enveloppe complémentaire)')
    .option('--date <instant>', 'date de la décision')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: Dated & { montant: string; enveloppe: string; cofinancement?: string }) =>
      act(
        id,
        {
          type: 'funder-decision',
          amount: amountArg(o.montant, 'Montant'),
          envelope: o.enveloppe as 'base',
          ...(o.cofinancement ? { coFunding: amountArg(o.cofinancement, 'Cofinancement') } : {}),
          ...when(o),
        },
        o.json,
      ),
    );

  grant
    .command('versement <subvention>')
    .description(`enregistre un versement reçu ou payé (${paymentKinds.join(', ')})`)
    .requiredOption('--type <t>', paymentKinds.join(' | '))
    .requiredOption('--montant <euros>', 'montant')
    .option('--date <instant>', 'date du versement')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: Dated & { type: string; montant: string }) =>
      act(
        id,
        { type: 'payment', kind: o.type as 'advance', amount: amountArg(o.montant, 'Montant'), ...when(o) },
        o.json,
      ),
    );

  grant
    .command('rapport <subvention>')
    .description(
      `enregistre un rapport transmis (${reportKinds.join(', ')}) et calcule le solde ou le reversement`,
    )
    .requiredOption('--type <t>', reportKinds.join(' | '))
    .option('--depense <euros>', 'part du financeur effectivement utilisée')
    .option('--date <instant>', 'date de transmission')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: Dated & { type: string; depense?: string }) =>
      act(
        id,
        {
          type: 'report',
          kind: o.type as 'interim',
          ...(o.depense !== undefined ? { spent: amountArg(o.depense, 'Dépense') } : {}),
          ...when(o),
        },
        o.json,
      ),
    );
}

/** `subvention denoncer`, `subvention resoudre`, `subvention planifier`: how a convention ends, a partner's refusal, the Schedules. */
function registerEndingCommands(cli: GrantCli): void {
  const { grant, connect, act, when } = cli;
  grant
    .command('denoncer <subvention>')
    .description('enregistre la dénonciation écrite d’une convention (dans le mois précédant sa fin)')
    .option('--date <instant>', 'date de réception de la lettre')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, o: Dated) => act(id, { type: 'denounce', ...when(o) }, o.json));

  grant
    .command('resoudre <subvention> <transmission> <reponse>')
    .description('répond à une transmission refusée : retry (renvoyer) ou handled (faite hors de Jalons)')
    .option('--date <instant>', 'date de l’acte')
    .option('--par <agent>', 'agent')
    .option('--json', 'sortie JSON')
    .action(async (id: string, call: string, action: string, o: Dated) =>
      act(id, { type: 'resolve-partner-call', call, action: action as 'retry', ...when(o) }, o.json),
    );

  grant
    .command('planifier')
    .description('crée ou met à jour les Schedules des échéances récurrentes (campagnes, comités)')
    .option('--json', 'sortie JSON')
    .action(async (o: { json?: boolean }) => {
      const { client, taskQueue } = await connect();
      const r = await ensureGrantSchedules(client, taskQueue);
      if (o.json) return console.log(JSON.stringify(r, null, 2));
      for (const s of r) console.log(`${s.created ? 'créé      ' : 'mis à jour'}  ${s.scheduleId}`);
    });
}
