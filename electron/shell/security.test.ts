import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveAppRequest, resolveUnder } from './app-protocol';
import {
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  devContentSecurityPolicy,
  isAllowedNavigation,
  isTrustedSender,
  parseExternalUrl,
  secureWebPreferences,
  trustedOrigins,
} from './security';

describe('Electron security policy', () => {
  it('hardens the window', () => {
    const p = secureWebPreferences('/x/preload.cjs');
    expect(p).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false, experimentalFeatures: false });
    expect(p).not.toHaveProperty('enableBlinkFeatures');
  });

  it('has a strict CSP: only self, no inline script, no eval, no frames, no remote connections', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*|https?:/);
    expect(devContentSecurityPolicy('http://localhost:5173')).toContain('ws://localhost:5173');
  });

  it('accepts IPC only from the app page top frame', () => {
    const origins = trustedOrigins(null);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: null }, origins)).toBe(true);
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html#/drafts`, parent: null }, origins)).toBe(true);
    // A frame inside the page, even of the same origin, is refused.
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: {} }, origins)).toBe(false);
    for (const url of ['https://evil.example/', 'app://other/index.html', 'file:///etc/passwd', 'data:text/html,hi', 'about:blank', 'http://localhost:5173/', 'not a url', '']) {
      expect(isTrustedSender({ url, parent: null }, origins), url).toBe(false);
    }
    expect(isTrustedSender(null, origins)).toBe(false);
    // In development the dev server's origin is trusted too.
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, trustedOrigins('http://localhost:5173'))).toBe(true);
  });

  it('blocks navigation away from the app', () => {
    const origins = trustedOrigins(null);
    expect(isAllowedNavigation(`${APP_ORIGIN}/index.html`, origins)).toBe(true);
    expect(isAllowedNavigation('https://loctelli.com', origins)).toBe(false);
    expect(isAllowedNavigation('javascript:alert(1)', origins)).toBe(false);
  });

  it('opens only parsed https links externally', () => {
    expect(parseExternalUrl('https://help.gohighlevel.com/x?y=1')).toBe('https://help.gohighlevel.com/x?y=1');
    for (const bad of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'https:/', '', 42, null, `https://x.com/${'a'.repeat(3000)}`]) {
      expect(parseExternalUrl(bad), String(bad)).toBeNull();
    }
  });

  it('serves app:// files only from the renderer folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'loctelli-app-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<html></html>');
    writeFileSync(join(root, 'assets', 'a.js'), '');
    expect(resolveAppRequest(`${APP_ORIGIN}/`, root)).toBe(join(root, 'index.html'));
    expect(resolveAppRequest(`${APP_ORIGIN}/integrations/42`, root)).toBe(join(root, 'index.html'));
    expect(resolveAppRequest(`${APP_ORIGIN}/assets/a.js`, root)).toBe(join(root, 'assets', 'a.js'));
    for (const bad of [`${APP_ORIGIN}/../../etc/passwd`, `${APP_ORIGIN}/%2e%2e/%2e%2e/etc/passwd`, `${APP_ORIGIN}/assets/..%2f..%2f..%2fetc%2fpasswd.txt`, 'app://other/index.html', 'https://console/index.html', `${APP_ORIGIN}/a%00.js`, `${APP_ORIGIN}/%E0%A4%A`]) {
      const r = resolveAppRequest(bad, root);
      expect(r === null || r.startsWith(root), bad).toBe(true);
    }
    expect(resolveUnder(root, '/../secret.txt')?.startsWith(root) ?? true).toBe(true);
  });
});
