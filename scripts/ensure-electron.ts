/**
 * Downloads Electron's binary when it is missing (`npm install` does not: see .npmrc). `--required` (npm run dev)
 * exits 1 with the reason when it cannot; without it (npm run test:electron) the caller decides, e.g. skips.
 */
import { resolve } from 'node:path';
import { downloadElectron, electronPackageDir, findElectronBinary } from './electron-binary';

const root = resolve(import.meta.dirname, '..');
const packageDir = electronPackageDir(root);
let binary = findElectronBinary(packageDir);
let failed: string | undefined;
if (!binary.ok && packageDir && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
  failed = downloadElectron(packageDir);
  binary = findElectronBinary(packageDir);
}
if (!binary.ok) {
  console.error(`Electron is not available: ${failed ? `${binary.reason}, and ${failed}` : binary.reason}.`);
  if (process.argv.includes('--required')) {
    console.error('Use `npm start` (it falls back to the browser) or `npm run dev:browser` instead.');
    process.exit(1);
  }
}
