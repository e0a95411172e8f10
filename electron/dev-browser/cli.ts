/**
 * `npm run dev:browser`: the console in a plain browser. Serves the built renderer (out/renderer) on
 * loopback with `window.loctelli` bridged to the main-process services running here in Node.
 *
 *   npm run dev:browser -- --port 5190
 *   LOCTELLI_USER_DATA=/tmp/loctelli-e2e npm run dev:browser
 *
 * Options: --port N (default 0 = any free port), --user-data DIR (or LOCTELLI_USER_DATA; default
 * .data/dev-browser), --renderer DIR (default out/renderer), --credential-backend NAME (or
 * LOCTELLI_CREDENTIAL_BACKEND: simulate e.g. basic_text), --no-local-server (do not start the Local
 * workspace's embedded server until it is used).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../server/logging';
import { createNodeHost } from '../node-host';
import { startBridgeServer } from './server';

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'user-data': { type: 'string' },
      renderer: { type: 'string' },
      'credential-backend': { type: 'string' },
      'no-local-server': { type: 'boolean' },
    },
    allowPositionals: false,
  });
  const port = values.port === undefined ? Number(process.env.LOCTELLI_BRIDGE_PORT ?? 0) : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0-65535, got ${values.port}`);
  const userDataDir = resolve(values['user-data'] ?? process.env.LOCTELLI_USER_DATA ?? '.data/dev-browser');
  const rendererDir = resolve(values.renderer ?? 'out/renderer');
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn' });

  const host = createNodeHost({
    userDataDir,
    credentialBackend: values['credential-backend'] ?? process.env.LOCTELLI_CREDENTIAL_BACKEND,
    logger,
    dispatcher: {
      validateResults: process.env.LOCTELLI_VALIDATE_RESULTS !== 'false',
      onInternalError: (method, err) => logger.error({ method, err }, 'bridge call failed'),
      onRefused: (method, error, caller) => logger.warn({ method, code: error.code, caller: caller.description }, 'bridge call refused'),
    },
  });
  const bridge = await startBridgeServer({ dispatch: host.dispatch, onEvent: (l) => host.core.onEvent(l), rendererDir, port });
  if (!values['no-local-server']) host.core.start();

  console.log(`Loctelli console (browser bridge) at ${bridge.url}`);
  console.log(`  user data: ${userDataDir}`);
  console.log(`  renderer:  ${rendererDir}`);
  console.log(`LOCTELLI_BRIDGE_URL=${bridge.url}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await bridge.close().catch(() => {});
    await host.core.stop().catch((err) => console.error(err));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
