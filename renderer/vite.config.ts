/**
 * Stand-alone build of the renderer (out/renderer), the same output electron-vite's renderer section
 * produces. Relative asset paths so the page works from the app:// scheme and from the dev:browser bridge.
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, '../out/renderer'),
    emptyOutDir: true,
    // Electron 41 ships a current Chromium.
    target: 'chrome128',
    sourcemap: true,
  },
});
