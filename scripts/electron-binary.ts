import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Where the installed `electron` package keeps its binary. Read from its files (path.txt, dist/) rather than by
 * requiring the package, whose index throws when the binary was never downloaded.
 */
export function findElectronBinary(packageDir: string | undefined, env: NodeJS.ProcessEnv = process.env): ElectronBinary {
  if (!packageDir) return { ok: false, reason: 'the electron package is not installed' };
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const path = join(env.ELECTRON_OVERRIDE_DIST_PATH, executable || 'electron');
    return existsSync(path) ? { ok: true, path } : { ok: false, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${path})` };
  }
  if (!executable) return { ok: false, reason: "Electron's binary has not been downloaded" };
  const path = join(packageDir, 'dist', executable);
  return existsSync(path) ? { ok: true, path } : { ok: false, reason: `Electron's binary is missing (${path})` };
}

export function electronPackageDir(fromDir: string): string | undefined {
  try {
    return dirname(createRequire(join(fromDir, 'package.json')).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * `npm install` never runs Electron's download (.npmrc: ignore-scripts), so that it succeeds on machines that
 * cannot reach Electron's download host; the first `npm start` runs the package's own installer instead.
 * Returns why it failed, in one line, or undefined.
 */
export function downloadElectron(packageDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return 'ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  console.log("Downloading Electron's binary (first start)…");
  const run = spawnSync(process.execPath, [join(packageDir, 'install.js')], { cwd: packageDir, env, encoding: 'utf8', timeout: 10 * 60_000 });
  if (run.status === 0) return undefined;
  const lines = `${run.stderr ?? ''}\n${run.error?.message ?? ''}`.split('\n').map((l) => l.trim());
  return `its download failed: ${lines.find((l) => /error/i.test(l)) ?? lines.find(Boolean) ?? `exit code ${run.status}`}`;
}

/** Electron needs a display server on Linux; elsewhere there always is one. */
export function displayMissing(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (platform !== 'linux' || env.DISPLAY || env.WAYLAND_DISPLAY) return undefined;
  return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
}
