import { describe, expect, it } from 'vitest';
import { insecureServerUrlReason, isLoopbackHostname } from './server-url';

describe('remote server addresses', () => {
  it('allows https anywhere and http only to loopback (127.0.0.0/8, ::1, localhost)', () => {
    for (const ok of [
      'https://integrations.example.com',
      'https://10.0.0.5:8443',
      'http://127.0.0.1:3000',
      'http://127.8.9.10',
      'http://127.1:80',
      'http://localhost:3000',
      'http://LOCALHOST',
      'http://[::1]:3000/api',
    ]) {
      expect(insecureServerUrlReason(ok), ok).toBeNull();
    }
    for (const bad of [
      'http://integrations.example.com',
      'http://10.0.0.5:3000',
      'http://192.168.1.2',
      'http://[::2]',
      'http://128.0.0.1',
      'http://localhost.example.com',
      'http://127.0.0.1.nip.io',
      'http://0.0.0.0:3000',
    ]) {
      expect(insecureServerUrlReason(bad), bad).toMatch(/unencrypted.*https:\/\//);
    }
  });

  it('reads hostnames as the URL parser normalises them', () => {
    expect(isLoopbackHostname(new URL('http://0x7f000001/').hostname)).toBe(true); // 127.0.0.1
    expect(isLoopbackHostname(new URL('http://[0:0:0:0:0:0:0:1]/').hostname)).toBe(true);
    expect(isLoopbackHostname(new URL('http://2130706433/').hostname)).toBe(true);
    expect(isLoopbackHostname(new URL('http://example.com/').hostname)).toBe(false);
  });
});
