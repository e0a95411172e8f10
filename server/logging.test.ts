import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logging';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
  return { logger: createLogger({ level: 'trace', destination }), lines };
}

describe('log redaction', () => {
  it('censors secrets wherever a secret-bearing object reaches a log call', () => {
    const { logger, lines } = capture();
    const canary = 'CANARY-log-5f1e2d';
    logger.info({ config: { apiKey: canary, locationId: 'L1' } }, 'config at top level');
    logger.info({ integration: { config: { apiKey: canary }, secrets: { apiKey: canary } } }, 'nested');
    logger.info({ body: { password: canary } }, 'body');
    logger.info({ admin: { password: canary, passwordHash: canary } }, 'admin');
    logger.info({ creds: { apiKey: canary, accessToken: canary, appSecret: canary, serviceAccountKey: canary, refresh_token: canary } }, 'creds');
    logger.info({ req: { method: 'GET', url: `/api/webhooks/1?hub.verify_token=${canary}`, headers: { authorization: `Bearer ${canary}` } } }, 'request');
    expect(lines).toHaveLength(6);
    for (const line of lines) expect(line).not.toContain(canary);
    expect(lines[5]).toContain('/api/webhooks/1');
  });
});
