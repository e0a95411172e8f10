import { defineConfig } from 'vitest/config';

/**
 * Projects: `unit` (no database), and the database-backed `*.db.test.ts` files run twice, on PGlite and
 * on PostgreSQL (the latter only when TEST_DATABASE_URL points at a server; CI always sets it).
 */
const dbTests = ['server/**/*.db.test.ts', 'electron/**/*.db.test.ts', 'test-support/**/*.db.test.ts'];
const withPostgres = !!process.env.TEST_DATABASE_URL;
if (!withPostgres) console.warn('TEST_DATABASE_URL is not set: the server suite runs on PGlite only (set it to also run on PostgreSQL).');

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'server/**/*.test.ts', 'electron/**/*.test.ts', 'test-support/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', 'node_modules/**'],
          testTimeout: 60_000,
        },
      },
      {
        // React components of the console, in a DOM implemented by happy-dom.
        test: {
          name: 'renderer',
          include: ['renderer/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          testTimeout: 60_000,
        },
        esbuild: { jsx: 'automatic' },
      },
      {
        test: {
          name: 'pglite',
          include: dbTests,
          env: { TEST_DB: 'pglite' },
          globalSetup: ['test-support/pglite-template.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The console end to end: Chromium on `dev:browser` (real server on PGlite) and the provider fakes.
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          globalSetup: ['e2e/support/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          expect: { poll: { timeout: 20_000, interval: 200 } },
        },
      },
      ...(withPostgres
        ? [{ test: { name: 'postgres', include: dbTests, env: { TEST_DB: 'postgres' }, testTimeout: 60_000, hookTimeout: 120_000 } }]
        : []),
    ],
  },
});
