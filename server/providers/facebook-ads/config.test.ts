import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../config';
import { parseFacebookAdsConfig, validateFacebookAdsConfig } from './config';
import { mapGraphError } from './graph-errors';
import { facebookAdsHandlerFromEnv } from './index';
import { insightsWindow } from './sync';
import { parseUsageHeaders, slowdownDelayMs } from './usage-headers';

const token = 'EAAGvalidLookingToken123';

describe('validateConfig', () => {
  it('accepts both ad account forms and normalises to the number', () => {
    expect(validateFacebookAdsConfig({ accessToken: token, adAccountId: 'act_123' })).toEqual([]);
    expect(validateFacebookAdsConfig({ accessToken: token, adAccountId: '123' })).toEqual([]);
    expect(parseFacebookAdsConfig({ accessToken: token, adAccountId: 'act_123' }).adAccountId).toBe('123');
  });

  it('reports copy-paste mistakes per field', () => {
    const paths = (c: Record<string, unknown>) => validateFacebookAdsConfig(c).map((d) => d.path);
    expect(paths({ accessToken: `Bearer ${token}`, adAccountId: '1' })).toEqual(['/accessToken']);
    expect(paths({ accessToken: `${token}\n`, adAccountId: '1' })).toEqual(['/accessToken']);
    expect(paths({ accessToken: token, adAccountId: 'act_0' })).toEqual(['/adAccountId']);
    expect(paths({ accessToken: token, adAccountId: 'acct_12' })).toEqual(['/adAccountId']);
    expect(paths({ accessToken: token, adAccountId: '12', pageId: '12' })).toEqual(['/pageId']);
    expect(paths({ accessToken: token, adAccountId: '12', appSecret: '1234567890123456' })).toEqual(['/appSecret']);
    expect(validateFacebookAdsConfig({ accessToken: token, adAccountId: '12', appSecret: '1234567890123456' })[0].message).toMatch(/App ID/);
  });

  it('throws a config ProviderError when an invalid config reaches a call', () => {
    expect(() => parseFacebookAdsConfig({ adAccountId: '1' })).toThrow(expect.objectContaining({ origin: 'config', type: 'invalid_config' }));
  });
});

describe('usage headers', () => {
  const headers = (h: Record<string, string>) => new Headers(h);

  it('reads the highest utilisation and Meta’s regain estimate', () => {
    const usage = parseUsageHeaders(
      headers({
        'X-App-Usage': '{"call_count":12,"total_cputime":3,"total_time":4}',
        'X-Business-Use-Case-Usage': '{"555":[{"type":"ads_management","call_count":96,"total_cputime":10,"total_time":20,"estimated_time_to_regain_access":2}]}',
        'X-Ad-Account-Usage': '{"acc_id_util_pct":40,"reset_time_duration":30}',
      }),
    );
    expect(usage).toEqual({ maxPct: 96, regainMs: 120_000, accountResetMs: 30_000 });
    expect(slowdownDelayMs(usage)).toBe(120_000);
  });

  it('ignores garbled headers and slows down in proportion below 100 %', () => {
    expect(parseUsageHeaders(headers({ 'X-App-Usage': '{not json' }))).toEqual({ maxPct: 0, regainMs: 0 });
    expect(slowdownDelayMs({ maxPct: 89, regainMs: 0 })).toBe(0);
    expect(slowdownDelayMs({ maxPct: 90, regainMs: 0 })).toBe(2_000);
    expect(slowdownDelayMs({ maxPct: 100, regainMs: 0 })).toBe(30_000);
  });
});

describe('Graph error mapping', () => {
  const quiet = { maxPct: 0, regainMs: 0 };
  it.each([
    [{ code: 190, message: 'Error validating access token: x' }, 'auth_rejected', false],
    [{ code: 10, message: '(#10) nope' }, 'no_access', false],
    [{ code: 294, message: '(#294) needs ads_management' }, 'no_access', false],
    [{ code: 100, error_subcode: 33, message: 'Unsupported get request.' }, 'not_found', false],
    [{ code: 100, message: '(#100) Tried accessing nonexisting field (x) on node type (AdAccount)' }, 'request_rejected', false],
    [{ code: 613, message: '(#613) Calls to this api have exceeded the rate limit.' }, 'rate_limited', true],
    [{ code: 80014, message: '(#80014) too many calls' }, 'rate_limited', true],
    [{ code: 2, message: 'Service temporarily unavailable' }, 'upstream_error', true],
    [{ code: 100, error_subcode: 1504018, message: 'Your request timed out', is_transient: true }, 'upstream_error', true],
  ])('%o → %s', (body, type, retryable) => {
    const err = mapGraphError(body, 400, quiet, 'ad account 1');
    expect(err).toMatchObject({ type, retryable });
    expect(err.message).not.toContain('(#');
  });

  it('falls back to the ad account reset time when the BUC header gives no estimate', () => {
    const err = mapGraphError({ code: 80004, message: 'x' }, 400, { maxPct: 100, regainMs: 0, accountResetMs: 45_000 }, 'ad account 1');
    expect(err.retryAfterMs).toBe(45_000);
    expect(mapGraphError({ code: 4, message: 'x' }, 400, quiet, 'ad account 1').retryAfterMs).toBe(60_000);
  });
});

describe('insights window', () => {
  const now = new Date(Date.UTC(2026, 0, 10, 1));
  it('clamps a since in the future to today and a very old one to 37 months', () => {
    expect(insightsWindow(new Date(Date.UTC(2026, 0, 12)), now, 30)).toEqual({ since: '2026-01-10', until: '2026-01-10' });
    expect(insightsWindow(new Date(Date.UTC(2015, 0, 1)), now, 30).since).toBe('2022-12-27');
  });
});

describe('facebookAdsHandlerFromEnv', () => {
  it('builds the handler with defaults or validated overrides', () => {
    expect(facebookAdsHandlerFromEnv({}).templateName).toBe('FacebookAds');
    expect(facebookAdsHandlerFromEnv({ FACEBOOK_GRAPH_BASE_URL: 'http://127.0.0.1:9999', FACEBOOK_GRAPH_API_VERSION: 'v22.0', FACEBOOK_GRAPH_TIMEOUT_MS: '5000' }).templateName).toBe('FacebookAds');
  });

  it('refuses malformed settings at startup', () => {
    expect(() => facebookAdsHandlerFromEnv({ FACEBOOK_GRAPH_BASE_URL: 'graph.facebook.com' })).toThrow(ConfigError);
    expect(() => facebookAdsHandlerFromEnv({ FACEBOOK_GRAPH_BASE_URL: 'ftp://graph' })).toThrow(ConfigError);
    expect(() => facebookAdsHandlerFromEnv({ FACEBOOK_GRAPH_API_VERSION: '21' })).toThrow(ConfigError);
    expect(() => facebookAdsHandlerFromEnv({ FACEBOOK_GRAPH_TIMEOUT_MS: '10' })).toThrow(ConfigError);
  });
});
