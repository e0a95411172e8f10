import { extname, join, normalize, relative, resolve, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './security';

export const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

export const mimeOf = (path: string) => MIME_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';

/**
 * Maps a request of the app's own scheme (`app://console/assets/x.js`) to a file under the renderer's
 * build folder. Anything else (another host, a path escaping the folder) is refused with null. Paths
 * without an extension are the single-page app's routes and get index.html.
 */
export function resolveAppRequest(url: string, rootDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  return resolveUnder(rootDir, pathname);
}

/** `pathname` inside `rootDir`, or null when it would escape it; extensionless paths → index.html. */
export function resolveUnder(rootDir: string, pathname: string): string | null {
  const root = resolve(rootDir);
  const clean = normalize(pathname).replace(/^([/\\])+/, '');
  const target = !clean || clean === '.' || !extname(clean) ? join(root, 'index.html') : resolve(root, clean);
  const rel = relative(root, target);
  if (rel.startsWith('..') || rel.includes(`..${sep}`) || resolve(root, rel) !== target) return null;
  return target;
}
