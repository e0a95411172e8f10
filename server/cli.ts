/**
 * The server's single entry point:
 *   serve                      start the API, with the sync worker unless RUN_WORKER=false (default)
 *   worker                     process sync and webhook jobs only
 *   create-admin               add an admin: --email --name [--password] [--role admin|super_admin]
 *   rotate-keys [--new-key]    re-encrypt every secret with the primary key
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { loadConfig, type ServerConfig } from './config';
import { hashPassword } from './crypto/password';
import { addPrimaryKeyToFile, loadKeyring } from './crypto/keyring';
import { rotateKeys } from './crypto/rotate-keys';
import { openDatabase } from './db/connect';
import { adminUsers } from './db/schema';
import { generatePassword } from './seed';
import { startServer, startWorker } from './start';

function openDb(config: ServerConfig) {
  return openDatabase(config.databaseUrl ? { url: config.databaseUrl, preparedStatements: config.databasePreparedStatements } : { dataDir: join(config.dataDir, 'pglite') });
}

async function serve(config: ServerConfig) {
  const server = await startServer(config);
  if (server.seedResult.generatedAdmin) {
    const { email, password } = server.seedResult.generatedAdmin;
    // Printed once, to the terminal only, never to the structured log.
    process.stdout.write(
      `\n  First start: created super_admin ${email} with password ${password}\n  Store it now; it is not shown again (set ADMIN_EMAIL / ADMIN_PASSWORD to choose them).\n\n`,
    );
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    server.app.log.info({ signal }, 'shutting down');
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function worker(config: ServerConfig) {
  const w = await startWorker(config);
  const stop = async () => {
    await w.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

async function createAdmin(config: ServerConfig, argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { email: { type: 'string' }, name: { type: 'string' }, password: { type: 'string' }, role: { type: 'string', default: 'admin' } },
  });
  if (!values.email) throw new Error('create-admin needs --email');
  const role = values.role === 'super_admin' ? 'super_admin' : values.role === 'admin' ? 'admin' : null;
  if (!role) throw new Error('--role must be admin or super_admin');
  const password = values.password ?? process.env.ADMIN_PASSWORD ?? generatePassword();
  if (password.length < 12) throw new Error('The password must be at least 12 characters');
  const database = await openDb(config);
  try {
    const email = values.email.trim().toLowerCase();
    const [existing] = await database.db.select({ id: adminUsers.id }).from(adminUsers).where(eq(adminUsers.email, email));
    if (existing) throw new Error(`An admin with e-mail ${email} already exists`);
    await database.db.insert(adminUsers).values({ email, name: values.name ?? email, role, passwordHash: await hashPassword(password) });
    process.stdout.write(`Created ${role} ${email}${values.password || process.env.ADMIN_PASSWORD ? '' : ` with password ${password}`}\n`);
  } finally {
    await database.close();
  }
}

async function rotate(config: ServerConfig, argv: string[]) {
  const { values } = parseArgs({ args: argv, options: { 'new-key': { type: 'boolean', default: false } } });
  if (values['new-key']) {
    if (config.encryptionKeys) throw new Error('--new-key manages the local key file; with INTEGRATIONS_ENCRYPTION_KEYS, put the new key first in that variable instead');
    loadKeyring({ dataDir: config.dataDir });
    const id = addPrimaryKeyToFile(config.dataDir);
    process.stdout.write(`Added key ${id} as the primary key; restart running servers so they encrypt with it.\n`);
  }
  const { keyring } = loadKeyring({ env: config.encryptionKeys, dataDir: config.dataDir });
  const database = await openDb(config);
  try {
    const report = await rotateKeys(database.db, keyring);
    process.stdout.write(`Re-encrypted ${report.rotatedValues} secret values in ${report.rotatedIntegrations} integrations with key ${keyring.primary.id}.\n`);
  } finally {
    await database.close();
  }
}

async function main() {
  const [command = 'serve', ...rest] = process.argv.slice(2);
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serve(config);
    case 'worker':
      return worker(config);
    case 'create-admin':
      return createAdmin(config, rest);
    case 'rotate-keys':
      return rotate(config, rest);
    default:
      throw new Error(`Unknown command "${command}": use serve, worker, create-admin or rotate-keys`);
  }
}

main().catch((err: Error) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
});
