/**
 * `npm start`: builds the console and launches it on its Local workspace — in Electron when its binary is there
 * (or can be downloaded now) and there is a display, otherwise the same console in the system browser through the
 * dev:browser bridge, saying why. Arguments after `--` go to dev:browser (e.g. `npm start -- --port 5190`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { displayMissing, downloadElectron, electronPackageDir, findElectronBinary } from './electron-binary';

const root = resolve(import.meta.dirname, '..');
const electronVite = resolve(root, 'node_modules/electron-vite/bin/electron-vite.js');

function run(args: string[]): never | void {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function whyNotElectron(): string | undefined {
  const packageDir = electronPackageDir(root);
  let binary = findElectronBinary(packageDir);
  if (!binary.ok && packageDir && !process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const failed = downloadElectron(packageDir);
    binary = findElectronBinary(packageDir);
    if (!binary.ok) return `Electron's binary is not installed and ${failed ?? 'the download left no binary'}`;
  }
  if (!binary.ok) return binary.reason;
  return displayMissing();
}

/** Best effort: the URL is printed either way. */
function openInBrowser(url: string) {
  if (displayMissing()) return;
  const [cmd, ...args] = process.platform === 'darwin' ? ['open', url] : process.platform === 'win32' ? ['cmd', '/c', 'start', '', url] : ['xdg-open', url];
  spawn(cmd, args, { stdio: 'ignore', detached: true })
    .on('error', () => {})
    .unref();
}

function startInBrowser(reason: string) {
  console.log(`\nElectron cannot start here: ${reason}.`);
  console.log('Starting the same console in your browser instead (its main-process services run in this terminal).\n');
  const bridge = spawn(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, 'electron/dev-browser/cli.ts'), ...process.argv.slice(2)], {
    cwd: root,
    stdio: ['inherit', 'pipe', 'inherit'],
  });
  let opened = false;
  bridge.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    const url = !opened && /^LOCTELLI_BRIDGE_URL=(\S+)/m.exec(chunk.toString('utf8'))?.[1];
    if (url) {
      opened = true;
      openInBrowser(url);
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => bridge.kill(signal));
  bridge.on('exit', (code) => process.exit(code ?? 0));
}

run([electronVite, 'build']);
const reason = whyNotElectron();
if (reason) startInBrowser(reason);
else run([electronVite, 'preview', '--skipBuild']);
