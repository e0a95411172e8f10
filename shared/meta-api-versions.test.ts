import { describe, expect, it } from 'vitest';
import { facebookAds } from './templates/facebook-ads';
import { latestMarketingApiVersion, marketingApiVersionState, MARKETING_API_VERSIONS, upgradeTargets } from './meta-api-versions';

const on = (day: string) => new Date(`${day}T12:00:00Z`);

describe("Meta's Marketing API version table", () => {
  it('is newest first, with each version released before it expires', () => {
    const numbers = MARKETING_API_VERSIONS.map((v) => Number(v.version.slice(1)));
    expect([...numbers].sort((a, b) => b - a)).toEqual(numbers);
    for (const v of MARKETING_API_VERSIONS) if (v.expires) expect(v.released < v.expires).toBe(true);
  });

  it('ships the template on the newest version released today, which has not expired', () => {
    const today = new Date();
    expect(facebookAds.apiVersion).toBe(latestMarketingApiVersion(today).version);
    expect(marketingApiVersionState(facebookAds.apiVersion, today).state).not.toBe('expired');
  });

  it('says expired, expiring (within 90 days) or current for a day', () => {
    expect(marketingApiVersionState('v21.0', on('2026-12-08'))).toEqual({ state: 'expired', version: 'v21.0', expires: '2025-09-09' });
    expect(marketingApiVersionState('v24.0', on('2026-11-10')).state).toBe('expired');
    expect(marketingApiVersionState('v24.0', on('2026-11-09'))).toMatchObject({ state: 'expiring', daysLeft: 1 });
    expect(marketingApiVersionState('v25.0', on('2026-12-08'))).toMatchObject({ state: 'expiring', expires: '2027-02-23', daysLeft: 77 });
    expect(marketingApiVersionState('v25.0', on('2026-11-01'))).toMatchObject({ state: 'current', daysLeft: 114 });
    expect(marketingApiVersionState('v27.0', on('2026-12-08'))).toEqual({ state: 'current', version: 'v27.0', expires: null, daysLeft: null });
    // Older than the table: long gone. Newer than the table: nothing known against it.
    expect(marketingApiVersionState('v12.0', on('2026-12-08')).state).toBe('expired');
    expect(marketingApiVersionState('v28.0', on('2026-12-08')).state).toBe('unknown');
  });

  it('offers only released, unexpired, newer versions to move to', () => {
    expect(upgradeTargets('v21.0', on('2026-12-08')).map((v) => v.version)).toEqual(['v27.0', 'v26.0', 'v25.0']);
    expect(upgradeTargets('v27.0', on('2026-12-08'))).toEqual([]);
    expect(upgradeTargets('v25.0', on('2026-10-01')).map((v) => v.version)).toEqual(['v26.0']);
  });
});
