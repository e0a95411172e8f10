import { describe, expect, it } from 'vitest';
import type { CredentialHealth } from './api/integrations';
import { credentialEndsAt, expiringCredential } from './credential-expiry';

const h = (expiresAt: string | null, dataAccessExpiresAt: string | null = null): CredentialHealth => ({ kind: 'expiring_token', expiresAt, dataAccessExpiresAt, lastVerifiedAt: null, valid: true, scopes: null, missingScopes: [] });
const now = new Date('2026-12-08T00:00:00Z');

describe('credential expiry', () => {
  it('ends at the earlier of token expiry and data access expiry', () => {
    expect(credentialEndsAt(h('2027-01-30T00:00:00Z', '2026-12-15T00:00:00Z'))).toBe('2026-12-15T00:00:00Z');
    expect(credentialEndsAt(h(null))).toBeNull();
    expect(credentialEndsAt(null)).toBeNull();
  });

  it('is expiring within 14 days, or already past; not before', () => {
    expect(expiringCredential(h('2026-12-22T00:00:00Z'), now)).toEqual({ endsAt: '2026-12-22T00:00:00Z', daysLeft: 14 });
    expect(expiringCredential(h('2026-12-23T00:00:00Z'), now)).toBeNull();
    expect(expiringCredential(h('2026-12-01T00:00:00Z'), now)?.daysLeft).toBe(-7);
    expect(expiringCredential(h(null), now)).toBeNull();
  });
});
