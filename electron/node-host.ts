/**
 * The console's services hosted in plain Node (no Electron): a key-file cipher instead of safeStorage and
 * JSON files instead of electron-store. Used by `npm run dev:browser` and by tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConsoleCore, type ConsoleCore, type ConsoleCoreOptions } from './core';
import { createDispatcher, type Dispatch, type DispatcherOptions } from './ipc/dispatcher';
import { createHandlers } from './ipc/handlers';
import { KeyFileCipher, type Cipher } from './services/cipher';
import { JsonFileStore } from './services/kv-store';
import { ensurePrivateDir } from './services/private-dir';

export interface NodeHostOptions extends Partial<Omit<ConsoleCoreOptions, 'userDataDir'>> {
  userDataDir: string;
  /** Simulate an OS credential backend (e.g. `basic_text`) with the Node cipher. */
  credentialBackend?: string;
  dispatcher?: DispatcherOptions;
}

export interface NodeHost {
  core: ConsoleCore;
  dispatch: Dispatch;
  cipher: Cipher;
}

export function appVersion(): string {
  try {
    return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export function createNodeHost(opts: NodeHostOptions): NodeHost {
  const { userDataDir, credentialBackend, dispatcher, ...rest } = opts;
  // Before the key file is written into it (the core checks again, for every host).
  ensurePrivateDir(userDataDir, rest.logger);
  const cipher = rest.cipher ?? new KeyFileCipher({ keyFile: join(userDataDir, 'vault.key'), backend: credentialBackend });
  const core = createConsoleCore({
    runtime: 'browser-bridge',
    appVersion: appVersion(),
    openStore: (name) => new JsonFileStore(join(userDataDir, `${name}.json`)),
    ...rest,
    cipher,
    userDataDir,
  });
  const dispatch = createDispatcher(createHandlers(core), dispatcher);
  return { core, dispatch, cipher };
}
