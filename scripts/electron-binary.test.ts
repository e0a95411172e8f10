import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { displayMissing, downloadElectron, findElectronBinary } from './electron-binary';

function electronPackage(opts: { pathTxt?: string; binary?: boolean }) {
  const dir = mkdtempSync(join(tmpdir(), 'electron-pkg-'));
  if (opts.pathTxt !== undefined) writeFileSync(join(dir, 'path.txt'), opts.pathTxt);
  if (opts.binary) {
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
  }
  return dir;
}

describe('findElectronBinary', () => {
  it('says the package is missing', () => {
    expect(findElectronBinary(undefined, {})).toEqual({ ok: false, reason: 'the electron package is not installed' });
  });

  it('says the binary was never downloaded (the state `npm install` leaves, install scripts off)', () => {
    expect(findElectronBinary(electronPackage({}), {})).toEqual({ ok: false, reason: "Electron's binary has not been downloaded" });
  });

  it('notices a path.txt whose binary is gone', () => {
    const result = findElectronBinary(electronPackage({ pathTxt: 'electron' }), {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/binary is missing/);
  });

  it('finds the downloaded binary', () => {
    const dir = electronPackage({ pathTxt: 'electron\n', binary: true });
    expect(findElectronBinary(dir, {})).toEqual({ ok: true, path: join(dir, 'dist', 'electron') });
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH', () => {
    const dist = mkdtempSync(join(tmpdir(), 'electron-dist-'));
    expect(findElectronBinary(electronPackage({}), { ELECTRON_OVERRIDE_DIST_PATH: dist }).ok).toBe(false);
    writeFileSync(join(dist, 'electron'), '');
    expect(findElectronBinary(electronPackage({}), { ELECTRON_OVERRIDE_DIST_PATH: dist })).toEqual({ ok: true, path: join(dist, 'electron') });
  });
});

describe('downloadElectron', () => {
  it("reports the installer's error in one line", () => {
    const dir = electronPackage({});
    writeFileSync(join(dir, 'install.js'), "console.error('RequestError: getaddrinfo ENOTFOUND electron-downloads.example\\n    at x'); process.exit(1);");
    expect(downloadElectron(dir, {})).toBe('its download failed: RequestError: getaddrinfo ENOTFOUND electron-downloads.example');
  });

  it('does not try when ELECTRON_SKIP_BINARY_DOWNLOAD is set', () => {
    expect(downloadElectron(electronPackage({}), { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })).toBe('ELECTRON_SKIP_BINARY_DOWNLOAD is set');
  });
});

describe('displayMissing', () => {
  it('needs DISPLAY or WAYLAND_DISPLAY on Linux only', () => {
    expect(displayMissing('linux', {})).toMatch(/no display/);
    expect(displayMissing('linux', { DISPLAY: ':0' })).toBeUndefined();
    expect(displayMissing('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeUndefined();
    expect(displayMissing('darwin', {})).toBeUndefined();
  });
});
