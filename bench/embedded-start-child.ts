/**
 * One cold measurement in a fresh process (as the console starts): argv[2] = 'pglite' | 'embedded', argv[3] = data
 * folder. Modules are imported before the clock starts; the WASM start of PGlite is inside the measurement.
 */
import { performance } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { EmbeddedServer } from '../electron/services/embedded-server';
import { CredentialVault } from '../electron/services/vault';
import { KeyFileCipher } from '../electron/services/cipher';
import { JsonFileStore } from '../electron/services/kv-store';
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
  // The vault persists in a file as the console's does (electron-store + safeStorage), so a start on an existing
  // folder finds the admin password and the hash it last wrote, as it would in the app.
  const vault = new CredentialVault(new KeyFileCipher({ keyFile: join(dir, 'vault.key') }), new JsonFileStore(join(dir, 'vault.json')), () => true);
  const t1 = performance.now();
  const server = new EmbeddedServer({ dataDir: dir, vault });
  const url = await server.start();
  const ms = performance.now() - t1;
  const health = await fetch(`${url}/api/health`).then((r) => r.status);
  await server.stop();
  process.stdout.write(JSON.stringify({ ms, health }) + '\n');
}
