import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', '**/dist/**', 'apps/keyward/bin/**', 'packages/chat-console/public/**', '**/*.js', '**/*.mjs', 'scripts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [{ group: ['@keyward/*/src/*'], message: 'Import through the package exports, not its src.' }] }],
    },
  },
  {
    files: ['packages/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@keyward/*'], message: 'core imports no internal package.' }] }] },
  },
  {
    files: ['packages/policy/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['@keyward/*', '!@keyward/core'], message: 'policy imports only core.' }] }] },
  },
);
