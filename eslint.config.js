// Lint: typescript-eslint's recommended rules, plus the one rule that protects
// Temporal's determinism: workflow code may not import Node APIs or do I/O.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'test/histories/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', exports: 'writable', module: 'writable' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['fs', 'path', 'http', 'https', 'net', 'child_process', 'crypto', 'os'].map((name) => ({
            name,
            message: 'Pas d’E/S ni d’API Node dans le code déterministe (workflows/, domain/).',
          })),
          patterns: [
            {
              group: ['node:*'],
              message: 'Pas d’E/S ni d’API Node dans le code déterministe (workflows/, domain/).',
            },
            {
              group: ['**/activities/**', '@temporalio/client', '@temporalio/worker', 'nodemailer'],
              allowTypeImports: true,
              message: 'Les effets de bord passent par des activités (proxyActivities).',
            },
          ],
        },
      ],
    },
  },
);
