import { useSyncExternalStore } from 'react';

/**
 * Hash routing: the page is served from app://console/index.html (Electron) and from the bridge's "/",
 * so the location path never changes and a reload keeps the screen.
 */
export interface Route {
  /** Path segments: `#/integrations/12` → ['integrations', '12'] */
  parts: string[];
  query: URLSearchParams;
  path: string;
}

function parse(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/catalog';
  const [path, qs = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { parts, query: new URLSearchParams(qs), path: '/' + parts.join('/') };
}

let current = parse(typeof location === 'undefined' ? '' : location.hash);
const listeners = new Set<() => void>();
if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    current = parse(location.hash);
    listeners.forEach((l) => l());
  });
}

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  const hash = '#' + (to.startsWith('/') ? to : `/${to}`);
  if (opts.replace) {
    history.replaceState(null, '', hash);
    current = parse(hash);
    listeners.forEach((l) => l());
  } else {
    location.hash = hash;
  }
}

export function useRoute(): Route {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}

/** For tests: resets the router to a hash. */
export function resetRoute(hash: string) {
  current = parse(hash);
  listeners.forEach((l) => l());
}

export const hrefOf = (to: string) => '#' + (to.startsWith('/') ? to : `/${to}`);
