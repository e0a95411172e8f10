// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The layering of DEVELOPERS.md, enforced: the renderer never reaches server/ or electron/, shared/ imports no other
 * layer and no Node or DOM API, server/ never imports the console, and only the Electron shell imports `electron`.
 */
const layer = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});
const electronOnlyInShell = {
  files: ['**/*.{ts,tsx}'],
  ignores: ['electron/main.ts', 'electron/preload.ts'],
  rules: {
    'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only the Electron shell (electron/main.ts, electron/preload.ts) imports electron: inject what the rest needs.' }] }],
  },
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.data/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-empty-function': 'off',
    },
  },
  {
    // Tests and their harnesses poke at objects the code under test keeps untyped (payloads, fuzz input).
    files: ['**/*.test.{ts,tsx}', '**/*.spec.ts', 'test-support/**', 'bench/**', 'e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  // Runs in the page Playwright renders the icons in.
  { files: ['resources/render-icons.mjs'], languageOptions: { globals: { ...globals.browser } } },
  electronOnlyInShell,
  layer(['renderer/src/**/*.{ts,tsx}'], ['**/server/**', '**/electron/**', 'electron', 'node:*'], 'The renderer talks to main only through window.loctelli (shared/ipc): no server/, electron/ or Node imports.'),
  layer(['shared/**/*.ts'], ['**/server/**', '**/electron/**', '**/renderer/**', 'electron', 'node:*'], 'shared/ is the contract imported by every side: no other layer, no Node or DOM APIs.'),
  layer(['server/**/*.ts'], ['**/electron/**', '**/renderer/**', 'electron'], 'server/ never imports the console (electron/, renderer/).'),
  prettier,
);
