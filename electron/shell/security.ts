/**
 * The Electron shell's security policy as plain data and functions (no `electron` import), so it is
 * unit-tested in Node and main.ts only wires it.
 */

/** The console's own origin: the renderer is served from this custom scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'console';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * The renderer makes no network requests of its own (everything goes through IPC), loads nothing from
 * elsewhere, embeds no frames and runs no inline or eval'd script.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "child-src 'none'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The dev server (electron-vite dev) needs its HMR websocket and React's inline refresh preamble. */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}

/** BrowserWindow webPreferences: checklist items 2, 3, 4, 6, 8, 9, 10, 11. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  } as const;
}

/** The scheme+host of a URL, also for custom schemes (where WHATWG `origin` is "null"). */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

/** The origins whose top-level page may call IPC: the app's own, plus the dev server in development. */
export function trustedOrigins(devServerUrl?: string | null): string[] {
  const dev = devServerUrl ? originOf(devServerUrl) : null;
  return dev ? [APP_ORIGIN, dev] : [APP_ORIGIN];
}

export interface SenderFrameLike {
  url: string;
  /** null for a top-level frame. */
  parent: unknown;
}

/** Checklist item 17: only the console's own top-level page may call IPC. */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, origins: string[]): boolean {
  if (!frame || frame.parent) return false;
  const origin = originOf(frame.url);
  return origin !== null && origins.includes(origin);
}

/** Navigation inside the window: only within the app's own origin (checklist item 13). */
export function isAllowedNavigation(url: string, origins: string[]): boolean {
  const origin = originOf(url);
  return origin !== null && origins.includes(origin);
}

/**
 * Checklist item 15: a link is opened outside only when it parses as an https URL without credentials;
 * returns the normalised URL to hand to shell.openExternal, or null.
 */
export function parseExternalUrl(raw: unknown): string | null {
  if (typeof raw !== 'string' || raw.length > 2000) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || !u.hostname || u.username || u.password) return null;
  return u.toString();
}
