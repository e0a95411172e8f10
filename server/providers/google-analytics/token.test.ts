import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors';
import { type Harness, startHarness } from './fake/harness';
import { createTestServiceAccount } from './fake/service-account-keys';
import { parseServiceAccountKey, type ServiceAccountKey } from './service-account';
import { ServiceAccountTokens, TOKEN_REFRESH_MARGIN_MS } from './token';

let h: Harness;
let key: ServiceAccountKey;
let tokens: ServiceAccountTokens;

const parse = (keyFile: string) => {
  const parsed = parseServiceAccountKey(keyFile);
  if (!parsed.ok) throw new Error('bad test key');
  return parsed.key;
};

beforeEach(async () => {
  h = await startHarness();
  key = parse(h.account.keyFile);
  tokens = new ServiceAccountTokens({ tokenUrl: h.fake.tokenUrl, timeoutMs: 5_000, clock: h.clock.read });
});
afterEach(() => h.fake.close());

describe('ServiceAccountTokens', () => {
  it('gets a token the fake accepts with the JWT-bearer grant, and reuses it', async () => {
    const first = await tokens.get(key);
    expect(first).toMatch(/^ya29\./);
    expect(h.fake.state.tokens.get(first)).toMatchObject({ email: h.account.email, scopes: ['https://www.googleapis.com/auth/analytics.readonly'] });
    expect(await tokens.get(key)).toBe(first);
    expect(await tokens.get(key)).toBe(first);
    expect(h.fake.state.tokensIssued).toBe(1);
  });

  it('shares one request between concurrent callers', async () => {
    const got = await Promise.all(Array.from({ length: 8 }, () => tokens.get(key)));
    expect(new Set(got).size).toBe(1);
    expect(h.fake.state.tokenRequests).toBe(1);
  });

  it('refreshes shortly before the token expires (injected clock)', async () => {
    const first = await tokens.get(key);
    h.clock.advance(3600_000 - TOKEN_REFRESH_MARGIN_MS - 1_000);
    expect(await tokens.get(key)).toBe(first);
    h.clock.advance(2_000);
    const second = await tokens.get(key);
    expect(second).not.toBe(first);
    expect(h.fake.state.tokensIssued).toBe(2);
  });

  it('keeps tokens of different keys apart', async () => {
    const other = createTestServiceAccount('second@acme-analytics.iam.gserviceaccount.com');
    h.fake.registerServiceAccount(other.email, other.publicKey);
    const a = await tokens.get(key);
    const b = await tokens.get(parse(other.keyFile));
    expect(a).not.toBe(b);
    expect(h.fake.state.tokens.get(b)?.email).toBe(other.email);
  });

  it('drops an invalidated token and fetches a new one', async () => {
    const first = await tokens.get(key);
    tokens.invalidate(key, first);
    expect(await tokens.get(key)).not.toBe(first);
  });

  it('turns invalid_grant (key deleted or replaced) into a disconnected auth_rejected error', async () => {
    // Google now holds a different public key for this account: the signature no longer verifies.
    h.fake.registerServiceAccount(h.account.email, createTestServiceAccount().publicKey);
    const err = await tokens.get(key).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ type: 'auth_rejected', disconnected: true, retryable: false, httpStatus: 400 });
    expect((err as Error).message).toMatch(/^Google rejected the service account key \(invalid_grant: Invalid JWT Signature\.\)/);
  });

  it('reports an unknown service account as rejected too', async () => {
    const stranger = createTestServiceAccount('stranger@elsewhere.iam.gserviceaccount.com');
    const err = await tokens.get(parse(stranger.keyFile)).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'auth_rejected', disconnected: true });
    expect((err as Error).message).toContain('invalid_grant: Invalid grant: account not found');
  });

  it("blames this server's clock, not the key, when Google finds iat/exp out of range", async () => {
    // Our clock runs two hours late compared to Google's: the assertion has already expired.
    const late = new ServiceAccountTokens({ tokenUrl: h.fake.tokenUrl, timeoutMs: 5_000, clock: () => h.clock.now - 2 * 3600_000 });
    const err = await late.get(key).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'clock_skew', disconnected: false });
  });

  it('signs for the configured token URL: a different audience is refused by Google', async () => {
    const elsewhere = new ServiceAccountTokens({ tokenUrl: `${h.fake.tokenUrl}?x=1`, timeoutMs: 5_000, clock: h.clock.read });
    const err = await elsewhere.get(key).catch((e: unknown) => e);
    expect((err as Error).message).toContain('Failed audience check');
  });

  it('reports an unreachable token endpoint as a retryable network error', async () => {
    const url = h.fake.tokenUrl;
    await h.fake.close();
    const err = await new ServiceAccountTokens({ tokenUrl: url, timeoutMs: 5_000, clock: h.clock.read }).get(key).catch((e: unknown) => e);
    expect(err).toMatchObject({ type: 'network_error', origin: 'network', retryable: true });
    h = await startHarness(); // for afterEach
  });
});
