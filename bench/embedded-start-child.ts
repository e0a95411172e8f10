/**
 * One cold measurement in a fresh process (as the console starts): argv[2] = 'pglite' | 'embedded', argv[3] = data
 * folder. Modules are imported before the clock starts; the WASM start of PGlite is inside the measurement.
 */
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { EmbeddedServer } from '../electron/services/embedded-server';
import { CredentialVault } from '../electron/services/vault';
import { KeyFileCipher } from '../electron/services/cipher';
import { MemoryStore } from '../electron/services/kv-store';
import { join } from 'node:path';

const [mode, dir] = process.argv.slice(2);
const t0 = performance.now();
if (mode === 'pglite') {
  const pg = new PGlite(join(dir, 'pglite'));
  await pg.waitReady;
  await pg.query('select 1');
  const ms = performance.now() - t0;
  await pg.close();
  process.stdout.write(JSON.stringify({ ms }) + '\n');
} else {
  const vault = new CredentialVault(new KeyFileCipher({ keyFile: join(dir, 'vault.key') }), new MemoryStore(), () => false);
  // The vault keeps the admin password in memory only here: a start on an existing folder then resets it (scrypt), as
  // the console does when the OS keyring lost it. Keep it stable across runs through a side file instead.
  const { existsSync, readFileSync, writeFileSync } = await import('node:fs');
  const pwFile = join(dir, 'bench-password');
  if (existsSync(pwFile)) vault.set('embedded-admin-password', readFileSync(pwFile, 'utf8'));
  const t1 = performance.now();
  const server = new EmbeddedServer({ dataDir: dir, vault });
  const url = await server.start();
  const ms = performance.now() - t1;
  const health = await fetch(`${url}/api/health`).then((r) => r.status);
  const pw = vault.get('embedded-admin-password');
  if (pw) writeFileSync(pwFile, pw);
  await server.stop();
  process.stdout.write(JSON.stringify({ ms, health }) + '\n');
}
