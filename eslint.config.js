// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Packages that touch the outside world: the engine and the runbooks must reach them only through ports. */
const TRANSPORTS = ['ssh2', 'mysql2', 'mysql2/*', '@slack/bolt', '@slack/*', 'ioredis', 'bullmq'];

export default tseslint.config(
  { ignores: ['node_modules/', '.opsgate/', 'coverage/', 'lab/state/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'read process.env only in src/config.ts (pass values in through deps)' }],
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/runbooks/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: TRANSPORTS, message: 'src/engine and src/runbooks import no transport: depend on a port in src/ports instead' }],
      }],
    },
  },
  {
    files: ['src/config.ts', 'test/**/*.ts', 'bench/**/*.ts', 'bin/**', 'lab/**', 'vitest.config.ts', 'src/lab/**/*.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
