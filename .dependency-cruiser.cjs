/**
 * `npm run check:imports`: the layout's arrows (README, « Organisation du code »),
 * checked on the resolved files, type-only imports included: no cycle, and no
 * folder importing what its kind may not touch. ESLint (eslint.config.js) says
 * the same per folder while one edits; this check also sees cycles.
 */
const production = '^(domain|workflows|activities|store|partners|services|apps|workers|observability)/';
/** Shared by every process: the settings and the payload codec. */
const sharedWorkerFiles = '^workers/(config|codec)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'pas-de-cycle',
      comment: 'Un cycle d’imports (même de types) : séparer ce que les deux modules partagent.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'domain-pur',
      comment: 'domain/ n’importe que domain/ (et zod, @date-fns/tz, date-holidays) : ni E/S, ni Temporal.',
      severity: 'error',
      from: { path: '^domain/' },
      to: { pathNot: '^(domain/|node_modules/(zod|@date-fns/tz|date-holidays)/)' },
    },
    {
      name: 'workflows-deterministes',
      comment:
        'workflows/ importe domain/ et workflows/ ; des activités, du store, des services et des partenaires, seulement leurs types.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: {
        path: '^(activities|store|services|partners)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'workflows-sans-processus',
      comment: 'workflows/ n’importe ni apps/, ni dev/, ni workers/, ni les tests.',
      severity: 'error',
      from: { path: '^workflows/' },
      to: { path: '^(apps|dev|workers|observability|test|bench|scripts)/' },
    },
    {
      name: 'store-sur-domain',
      comment: 'store/ (la base) n’importe que domain/ et store/.',
      severity: 'error',
      from: { path: '^store/' },
      to: { path: '^(workflows|activities|services|partners|apps|dev|workers|observability|test)/' },
    },
    {
      name: 'partners-sur-domain',
      comment: 'partners/ (les contrats des partenaires) n’importe que domain/ et partners/.',
      severity: 'error',
      from: { path: '^partners/' },
      to: { path: '^(workflows|activities|services|store|apps|dev|workers|observability|test)/' },
    },
    {
      name: 'activities-sans-interfaces',
      comment:
        'activities/ importe domain/, store/, partners/, services/ et les messages des workflows ; ni apps/ ni dev/.',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^(apps|dev|test|bench|scripts)/' },
    },
    {
      name: 'activities-messages-seulement',
      comment: 'Une activité n’importe d’un workflow que ses messages (workflows/<domaine>/messages.ts).',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^workflows/', pathNot: '^workflows/[^/]+/messages[.]ts$' },
    },
    {
      name: 'services-sans-interfaces',
      comment:
        'services/ importe domain/, store/, partners/ et workflows/ ; ni activities/, ni apps/, ni dev/.',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '^(activities|apps|dev|test|bench|scripts)/' },
    },
    {
      name: 'apps-par-les-services',
      comment:
        'apps/ passe par services/, store/, domain/, partners/ et les messages des workflows ; jamais par activities/.',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^(activities|test|bench|scripts)/' },
    },
    {
      name: 'apps-messages-seulement',
      comment: 'apps/ n’importe d’un workflow que ses messages (workflows/<domaine>/messages.ts).',
      severity: 'error',
      from: { path: '^apps/' },
      to: { path: '^workflows/', pathNot: '^workflows/[^/]+/messages[.]ts$' },
    },
    {
      name: 'workers-reglages-seulement',
      comment:
        'De workers/, le reste du code n’importe que les réglages et le codec (workers/config.ts, codec.ts).',
      severity: 'error',
      from: { path: '^(activities|services|apps)/' },
      to: { path: '^workers/', pathNot: sharedWorkerFiles },
    },
    {
      name: 'workers-sans-interfaces',
      comment: 'workers/ assemble workflows, activités et store ; il n’importe ni apps/ ni dev/.',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^(apps|dev|test|bench|scripts)/' },
    },
    {
      name: 'observability-sur-store',
      comment:
        'observability/ (journaux, métriques, sondes, importés par tous les processus) n’importe que store/ et domain/.',
      severity: 'error',
      from: { path: '^observability/' },
      to: { path: '^(workflows|activities|services|partners|apps|workers|dev|test|bench|scripts)/' },
    },
    {
      name: 'pas-de-dev-en-production',
      comment:
        'Le code de production n’importe jamais dev/ ; seules les commandes de développement de la CLI (start, simulate, sample-caf) le chargent à l’exécution (import dynamique).',
      severity: 'error',
      from: { path: production },
      to: { path: '^dev/', dependencyTypesNot: ['dynamic-import'] },
    },
    {
      name: 'dev-dynamique-depuis-la-cli',
      comment: 'Seule apps/cli/ charge dev/, par import dynamique.',
      severity: 'error',
      from: { path: production, pathNot: '^apps/cli/' },
      to: { path: '^dev/' },
    },
    {
      name: 'pas-de-tests-en-production',
      comment: 'Le code de production et dev/ n’importent pas test/, bench/ ni scripts/.',
      severity: 'error',
      from: {
        path: '^(domain|workflows|activities|store|partners|services|apps|workers|observability|dev)/',
      },
      to: { path: '^(test|bench|scripts)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|test/histories|dist|data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
