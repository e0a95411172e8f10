import { cpSync, existsSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const root = import.meta.dirname;

/**
 * The embedded server finds its SQL migrations next to its code (`new URL('./migrations', import.meta.url)`
 * in server/db/connect.ts); bundled into out/main/index.js, that is out/main/migrations.
 */
function copyMigrations(): Plugin {
  return {
    name: 'loctelli:copy-migrations',
    apply: 'build',
    closeBundle() {
      const from = resolve(root, 'server/db/migrations');
      const to = resolve(root, 'out/main/migrations');
      if (existsSync(to)) rmSync(to, { recursive: true });
      cpSync(from, to, { recursive: true });
    },
  };
}

export default defineConfig({
  main: {
    plugins: [copyMigrations()],
    build: {
      outDir: resolve(root, 'out/main'),
      rolldownOptions: {
        input: { index: resolve(root, 'electron/main.ts') },
        // One file: code that locates files relative to itself (migrations) must not move into a chunk.
        output: { codeSplitting: false },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      // A sandboxed preload can only require('electron'): bundle everything else, as CommonJS.
      externalizeDeps: false,
      rolldownOptions: {
        input: { preload: resolve(root, 'electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: resolve(root, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rolldownOptions: { input: { index: resolve(root, 'renderer/index.html') } },
    },
  },
});
