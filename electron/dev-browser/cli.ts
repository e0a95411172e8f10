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
 *
 * It prints a one-time link (`LOCTELLI_BRIDGE_URL=http://127.0.0.1:PORT/?bootstrap=<code>`): opening it
 * signs that browser in to the bridge (an HttpOnly cookie); Enter in the terminal prints another one. The
 * terminal is also where a weakening of the protection is confirmed (credentials without a keyring): the
 * page cannot answer for the person, though anyone who can type into this terminal can.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createLogger } from '../../server/logging';
import type { Confirmation } from '../core';
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

  const terminal = terminalQuestions();
  const host = createNodeHost({
    userDataDir,
    confirm: terminal.confirm,
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
  console.log('  open the one-time link below (it works once; press Enter here for another):');
  console.log(`LOCTELLI_BRIDGE_URL=${bridge.bootstrapUrl}`);
  terminal.onEmptyLine(() => console.log(`LOCTELLI_BRIDGE_URL=${bridge.newBootstrapUrl()}`));

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

/** How long a confirmation waits for its answer in the terminal before it counts as no. */
const CONFIRM_TIMEOUT_MS = 2 * 60_000;

/**
 * The terminal's lines: the answer to the question being asked, else (an empty line) a request for a
 * new one-time link. Without a terminal (stdin closed or /dev/null) every question is answered no.
 */
function terminalQuestions() {
  const lines = createInterface({ input: process.stdin, terminal: false });
  let closed = false;
  let answer: ((line: string | null) => void) | null = null;
  let onEmpty = () => {};
  lines.on('line', (line) => {
    if (answer) answer(line);
    else if (line.trim() === '') onEmpty();
  });
  lines.on('close', () => {
    closed = true;
    answer?.(null);
  });
  return {
    onEmptyLine(fn: () => void) {
      onEmpty = fn;
    },
    confirm(q: Confirmation): Promise<boolean> {
      if (closed || answer) return Promise.resolve(false);
      console.log(`\n${q.title}\n  ${q.message}\n  ${q.detail}\nType "yes" and Enter to ${q.confirmLabel.toLowerCase()} (anything else: no).`);
      return new Promise((resolveAnswer) => {
        const timer = setTimeout(() => answer?.(null), CONFIRM_TIMEOUT_MS);
        answer = (line) => {
          clearTimeout(timer);
          answer = null;
          const yes = line?.trim().toLowerCase() === 'yes';
          console.log(yes ? '  confirmed' : '  not confirmed');
          resolveAnswer(yes);
        };
      });
    },
  };
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
