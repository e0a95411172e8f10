/// <reference types="electron-vite/node" />
/**
 * The Electron shell: app lifecycle, the window, `ipcMain` wiring, safeStorage, electron-store and
 * notifications. Everything else is the plain-Node core (core.ts), shared with `npm run dev:browser`.
 * Security: see shell/security.ts (Electron's checklist) — sandboxed, context-isolated renderer served
 * from app://console with a strict CSP, navigation and new windows denied, permissions denied, https-only
 * external links, every IPC call checked for its sender frame and validated against the contract.
 */
import { app, BrowserWindow, dialog, ipcMain, Notification, net, protocol, safeStorage, session, shell, type WebContents } from 'electron';
import Store from 'electron-store';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { METHOD_NAMES, channelOf, EVENT_CHANNEL } from '../shared/ipc/methods';
import { createConsoleCore, type ConsoleCore } from './core';
import { createDispatcher } from './ipc/dispatcher';
import { createHandlers } from './ipc/handlers';
import type { Cipher } from './services/cipher';
import type { KeyValueStore } from './services/kv-store';
import { PRIVATE_FILE_MODE } from './services/private-dir';
import { resolveAppRequest, mimeOf } from './shell/app-protocol';
import {
  APP_ORIGIN,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  devContentSecurityPolicy,
  isAllowedNavigation,
  isTrustedSender,
  parseExternalUrl,
  secureWebPreferences,
  trustedOrigins,
} from './shell/security';
import { createLogger } from '../server/logging';
import iconPath from '../resources/icon.png?asset';

const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const origins = trustedOrigins(devServerUrl);
const rendererDir = join(import.meta.dirname, '../renderer');
const preloadPath = join(import.meta.dirname, '../preload/preload.cjs');
const logger = createLogger({ level: process.env.LOG_LEVEL ?? (app.isPackaged ? 'warn' : 'info') });

// Tests and side-by-side installs isolate their data the same way as `npm run dev:browser`.
if (process.env.LOCTELLI_USER_DATA) app.setPath('userData', process.env.LOCTELLI_USER_DATA);

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void run();
}

function safeStorageCipher(): Cipher {
  return {
    backend: () => {
      if (process.platform === 'darwin') return 'keychain';
      if (process.platform === 'win32') return 'dpapi';
      try {
        return safeStorage.getSelectedStorageBackend();
      } catch {
        return 'unknown';
      }
    },
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encryptString: (s) => safeStorage.encryptString(s),
    decryptString: (b) => safeStorage.decryptString(b),
  };
}

async function run() {
  await app.whenReady();
  const userDataDir = app.getPath('userData');

  // Checklist 18: our own scheme instead of file://, with the CSP as a header.
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppRequest(request.url, rendererDir);
    if (!file) return new Response('Not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    if (!res.ok) return new Response('Not found', { status: 404 });
    return new Response(res.body, {
      status: 200,
      headers: { 'content-type': mimeOf(file), 'content-security-policy': CONTENT_SECURITY_POLICY, 'x-content-type-options': 'nosniff' },
    });
  });

  // Checklist 5: no permission is ever granted (camera, notifications via web API, geolocation, ...).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  if (devServerUrl) {
    const csp = devContentSecurityPolicy(devServerUrl);
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
    });
  }

  app.on('web-contents-created', (_e, contents) => {
    // Checklist 11/12: no <webview>.
    contents.on('will-attach-webview', (event) => event.preventDefault());
    // Checklist 13: no navigation away from the app.
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedNavigation(url, origins)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedNavigation(url, origins)) event.preventDefault();
    });
    // Checklist 14/15: no new windows; https links go to the user's browser after parsing.
    contents.setWindowOpenHandler(({ url }) => {
      const external = parseExternalUrl(url);
      if (external) void shell.openExternal(external);
      return { action: 'deny' };
    });
  });

  const stores = new Map<string, Store>();
  let core: ConsoleCore;
  try {
    core = createConsoleCore({
      userDataDir,
      cipher: safeStorageCipher(),
      openStore: (name) => {
        let s = stores.get(name);
        if (!s) {
          s = new Store({ name, cwd: userDataDir, clearInvalidConfig: false, configFileMode: PRIVATE_FILE_MODE });
          stores.set(name, s);
        }
        return s as unknown as KeyValueStore;
      },
      runtime: 'electron',
      appVersion: app.getVersion(),
      openExternal: (url) => shell.openExternal(url),
      // A native dialog, modal to the window: the renderer cannot answer it.
      confirm: async ({ title, message, detail, confirmLabel }) => {
        const parent = BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
        const options = { type: 'warning' as const, title, message, detail, buttons: ['Cancel', confirmLabel], defaultId: 0, cancelId: 0, noLink: true };
        const { response } = parent ? await dialog.showMessageBox(parent, options) : await dialog.showMessageBox(options);
        return response === 1;
      },
      notify: ({ title, body }) => {
        if (Notification.isSupported()) new Notification({ title, body }).show();
      },
      logger,
    });
  } catch (err) {
    // E.g. a user-data folder other users can write, which the console cannot make private.
    dialog.showErrorBox('Loctelli Integrations cannot start', (err as Error).message);
    app.exit(1);
    return;
  }
  const dispatch = createDispatcher(createHandlers(core), {
    validateResults: !app.isPackaged,
    onRefused: (method, error, caller) => logger.warn({ method, code: error.code, caller: caller.description }, 'IPC call refused'),
    onInternalError: (method, err) => logger.error({ method, err }, 'IPC handler failed'),
  });

  // One channel per method; no generic invoke. Checklist 17: every call's sender frame is checked.
  for (const method of METHOD_NAMES) {
    ipcMain.handle(channelOf(method), (event, args) =>
      dispatch(method, args, { trusted: isTrustedSender(event.senderFrame, origins), description: event.senderFrame?.url }),
    );
  }

  const trustedContents = (wc: WebContents) => !wc.isDestroyed() && isAllowedNavigation(wc.getURL(), origins);
  core.onEvent((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (trustedContents(win.webContents)) win.webContents.send(EVENT_CHANNEL, { event, payload });
    }
  });
  core.start();

  const createWindow = () => {
    const win = new BrowserWindow({
      width: 1360,
      height: 860,
      minWidth: 960,
      minHeight: 600,
      title: 'Loctelli Integrations',
      show: false,
      backgroundColor: '#0f172a',
      icon: iconPath,
      webPreferences: secureWebPreferences(preloadPath),
    });
    win.once('ready-to-show', () => win.show());
    void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
    return win;
  };
  let mainWindow = createWindow();

  app.on('second-instance', () => {
    if (mainWindow.isDestroyed()) mainWindow = createWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Clean shutdown: the embedded server (PGlite) is closed before the process exits.
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    core
      .stop()
      .catch((err) => logger.error({ err }, 'shutdown failed'))
      .finally(() => app.exit(0));
  });
}
