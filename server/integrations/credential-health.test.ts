import { describe, expect, it } from 'vitest';
import type { CredentialHealth } from '../../shared/api/integrations';
import { nextHealth } from './credential-health';

const now = new Date('2026-12-08T10:00:00Z');
const meta: CredentialHealth = { kind: 'expiring_token', expiresAt: '2026-12-20T00:00:00.000Z', dataAccessExpiresAt: null, lastVerifiedAt: '2026-12-01T00:00:00.000Z', valid: true, scopes: ['ads_read'], missingScopes: [] };
const empty = { credentialHealth: null, providerWarnings: [] };

describe('nextHealth', () => {
  it('records a static key verified by a successful call when the handler inspects nothing (GoHighLevel PIT, Google service account)', () => {
    expect(nextHealth(empty, undefined, 'ok', now)).toEqual({
      credentialHealth: { kind: 'static_key', expiresAt: null, dataAccessExpiresAt: null, lastVerifiedAt: now.toISOString(), valid: true, scopes: null, missingScopes: [] },
      providerWarnings: [],
    });
  });

  it("takes the handler's report, and keeps the last one when it could not tell this time", () => {
    expect(nextHealth(empty, { credential: meta, warnings: [] }, 'ok', now).credentialHealth).toBe(meta);
    expect(nextHealth({ credentialHealth: meta, providerWarnings: [] }, { credential: null, warnings: [] }, 'ok', now).credentialHealth).toBe(meta);
  });

  it('marks rejected credentials not valid, keeping what was known of them', () => {
    expect(nextHealth({ credentialHealth: meta, providerWarnings: [] }, undefined, 'disconnected', now).credentialHealth).toEqual({ ...meta, valid: false, lastVerifiedAt: now.toISOString() });
    expect(nextHealth(empty, undefined, 'disconnected', now).credentialHealth).toMatchObject({ kind: 'static_key', valid: false });
  });

  it('replaces warnings with the latest report; a failure without one keeps them', () => {
    const w = [{ code: 'api_version_upgraded', message: 'm', at: now.toISOString() }];
    expect(nextHealth(empty, { warnings: w }, 'ok', now).providerWarnings).toBe(w);
    expect(nextHealth({ credentialHealth: null, providerWarnings: w }, undefined, 'failed', now).providerWarnings).toBe(w);
    expect(nextHealth({ credentialHealth: null, providerWarnings: w }, undefined, 'ok', now).providerWarnings).toEqual([]);
  });
});
