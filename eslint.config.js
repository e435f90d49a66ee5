// Lint: typescript-eslint's recommended rules; the layout's arrows per folder
// (README, « Organisation du code »; .dependency-cruiser.cjs checks the same on
// resolved files, and cycles); the determinism of workflows/ and domain/; small units.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Top-level folders a file may be forbidden to import, by their specifier (`../../apps/web/x.js`). */
const folder = (name) => [`**/${name}/**`, `${name}/**`];

const nodeBuiltins = ['fs', 'path', 'http', 'https', 'net', 'child_process', 'crypto', 'os'];
const noNode = {
  paths: nodeBuiltins.map((name) => ({
    name,
    message: 'Pas d’E/S ni d’API Node dans le code déterministe (workflows/, domain/).',
  })),
  patterns: [
    {
      group: ['node:*'],
      message: 'Pas d’E/S ni d’API Node dans le code déterministe (workflows/, domain/).',
    },
  ],
};

/** One folder's rule: the folders it may not import, each with why, in French. */
function layer(files, forbidden, { node = { paths: [], patterns: [] }, extra = [] } = {}) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: node.paths,
          patterns: [
            ...node.patterns,
            ...extra,
            ...forbidden.map(([names, message, allowTypeImports = false]) => ({
              group: names.flatMap(folder),
              message,
              allowTypeImports,
            })),
          ],
        },
      ],
    },
  };
}

const notInProduction = [
  ['dev', 'test', 'bench', 'scripts'],
  'Le code de production n’importe ni dev/ (simulateurs, démo, pile embarquée) ni les tests.',
];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'test/histories/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Small units (issue 16): a file reads in one sitting.
      'max-lines': ['error', { max: 500, skipBlankLines: true, skipComments: true }],
      // Small units (issue 16): a function reads on one screen.
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // A test file follows one feature's scenarios and its describe() holds them all: the
    // size rules are for the product's code.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'max-lines': 'off', 'max-lines-per-function': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', exports: 'writable', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // What each folder may import (README, « Organisation du code »).
  layer(
    ['domain/**/*.ts'],
    [
      [
        [
          'workflows',
          'activities',
          'store',
          'partners',
          'services',
          'apps',
          'workers',
          'observability',
          'dev',
          'test',
        ],
        'domain/ est pur : il n’importe que domain/ (règles, dates, montants), ni E/S ni Temporal.',
      ],
    ],
    {
      node: noNode,
      extra: [
        {
          group: ['@temporalio/*', 'nodemailer', 'pg', '@electric-sql/*', 'fastify'],
          message: 'domain/ est pur : ni Temporal, ni courriel, ni base, ni HTTP.',
        },
      ],
    },
  ),
  layer(
    ['workflows/**/*.ts'],
    [
      [
        ['activities', 'store', 'services', 'partners'],
        'Les effets de bord passent par des activités (proxyActivities) : de activities/, store/, services/ et partners/, un workflow n’importe que des types.',
        true,
      ],
      [
        ['apps', 'workers', 'observability', 'dev', 'test'],
        'workflows/ n’importe ni apps/, ni workers/, ni observability/, ni dev/, ni les tests.',
      ],
    ],
    {
      node: noNode,
      extra: [
        {
          group: ['@temporalio/client', '@temporalio/worker', 'nodemailer'],
          allowTypeImports: true,
          message: 'Les effets de bord passent par des activités (proxyActivities).',
        },
      ],
    },
  ),
  layer(
    ['store/**/*.ts'],
    [
      [
        ['workflows', 'activities', 'services', 'partners', 'apps', 'workers'],
        'store/ (la base : schéma, lectures, écritures) n’importe que domain/ et store/.',
      ],
      notInProduction,
    ],
  ),
  layer(
    ['partners/**/*.ts'],
    [
      [
        ['workflows', 'activities', 'services', 'store', 'apps', 'workers'],
        'partners/ (le contrat HTTP de chaque partenaire) n’importe que domain/ et partners/.',
      ],
      notInProduction,
    ],
  ),
  layer(
    ['activities/**/*.ts'],
    [
      [
        ['apps'],
        'Une activité n’importe pas les interfaces (apps/) : ce qu’elles partagent va dans services/ ou store/.',
      ],
      notInProduction,
    ],
    {
      extra: [
        {
          regex: '(^|/)workflows/(?![^/]+/messages[.]js$)',
          message: 'Une activité n’importe d’un workflow que ses messages (workflows/<domaine>/messages.ts).',
        },
        {
          regex: '(^|/)workers/(?!(config|codec)[.]js$)',
          message: 'De workers/, seuls les réglages et le codec (workers/config.ts, codec.ts).',
        },
      ],
    },
  ),
  layer(
    ['services/**/*.ts'],
    [
      [
        ['activities', 'apps'],
        'services/ importe domain/, store/, partners/ et workflows/ ; ni activities/ ni apps/.',
      ],
      notInProduction,
    ],
    {
      extra: [
        {
          regex: '(^|/)workers/(?!(config|codec)[.]js$)',
          message: 'De workers/, seuls les réglages et le codec (workers/config.ts, codec.ts).',
        },
      ],
    },
  ),
  layer(
    ['apps/**/*.ts'],
    [
      [['activities'], 'apps/ passe par services/ (ou lit store/) : jamais par une activité.'],
      [['test', 'bench', 'scripts'], 'Le code de production n’importe pas les tests.'],
    ],
    {
      extra: [
        {
          regex: '(^|/)workflows/(?![^/]+/messages[.]js$)',
          message: 'apps/ n’importe d’un workflow que ses messages (workflows/<domaine>/messages.ts).',
        },
        {
          regex: '(^|/)workers/(?!(config|codec)[.]js$)',
          message: 'De workers/, seuls les réglages et le codec (workers/config.ts, codec.ts).',
        },
        {
          // The CLI's development commands (start, simulate, sample-caf) load dev/ when run,
          // by a dynamic import() this rule does not see; a static import would load it always.
          group: folder('dev'),
          message:
            'apps/ n’importe pas dev/ ; une commande de développement le charge par import() dynamique.',
        },
      ],
    },
  ),
  layer(
    ['workers/**/*.ts'],
    [[['apps'], 'workers/ assemble workflows, activités et store, pas les interfaces.'], notInProduction],
  ),
  layer(
    ['observability/**/*.ts'],
    [
      [
        ['workflows', 'activities', 'services', 'partners', 'apps', 'workers'],
        'observability/ (journaux, métriques, sondes) n’importe que store/ et domain/ : tous les processus l’importent.',
      ],
      notInProduction,
    ],
  ),
);
