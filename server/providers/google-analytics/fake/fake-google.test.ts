import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, PROPERTY_ID, startHarness } from './harness';

/** The fake's own contract: it must behave like Google where the handler relies on it. */
let h: Harness;
let token: string;

const post = (path: string, body: unknown, auth = `Bearer ${token}`) =>
  fetch(`${h.fake.dataBaseUrl}${path}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const report = (body: Record<string, unknown>) => post(`/v1beta/properties/${PROPERTY_ID}:runReport`, body);
// The answer's JSON, loosely typed: these tests check its exact shape field by field.
const json = async (res: Response): Promise<any> => res.json();
const base = { dateRanges: [{ startDate: '30daysAgo', endDate: 'today' }], dimensions: [{ name: 'date' }], metrics: [{ name: 'sessions' }] };

beforeEach(async () => {
  h = await startHarness();
  // Get a token through the real flow, via a connection test.
  await h.handler().testConnection(h.config, { signal: new AbortController().signal });
  token = [...h.fake.state.tokens.keys()][0];
});
afterEach(() => h.fake.close());

describe('fake analyticsdata', () => {
  it('rowCount counts the whole result, independent of limit and offset', async () => {
    const res = await report({ ...base, limit: 5, offset: 10, orderBys: [{ dimension: { dimensionName: 'date' } }] });
    const body = await json(res);
    expect(body.rowCount).toBe(31);
    expect(body.rows).toHaveLength(5);
    expect(body.rows[0].dimensionValues[0].value).toBe('20260223');
    expect(typeof body.rows[0].metricValues[0].value).toBe('string');
    expect(body.kind).toBe('analyticsData#runReport');
  });

  it('leaves out rows and rowCount past the end, as proto3 JSON does', async () => {
    const body = await json(await report({ ...base, offset: 31 }));
    expect(body.rows).toBeUndefined();
    expect(body.rowCount).toBe(31);
  });

  it('accepts int64 as strings and orders descending on request', async () => {
    const body = await json(await report({ ...base, limit: '2', orderBys: [{ dimension: { dimensionName: 'date' }, desc: true }] }));
    expect(body.rows.map((r: { dimensionValues: { value: string }[] }) => r.dimensionValues[0].value)).toEqual(['20260315', '20260314']);
  });

  it('rejects unknown fields, unknown metrics and inverted ranges with 400 INVALID_ARGUMENT', async () => {
    for (const body of [
      { ...base, pageSize: 10 },
      { ...base, metrics: [{ name: 'visits' }] },
      { ...base, dateRanges: [{ startDate: 'today', endDate: 'yesterday' }] },
      { ...base, dateRanges: [{ startDate: '2026-02-30', endDate: 'today' }] },
    ]) {
      const res = await report(body);
      expect(res.status).toBe(400);
      expect((await json(res)).error.status).toBe('INVALID_ARGUMENT');
    }
  });

  it('answers 401 UNAUTHENTICATED without a valid token, and after expiry', async () => {
    expect((await post(`/v1beta/properties/${PROPERTY_ID}:runReport`, base, 'Bearer nope')).status).toBe(401);
    h.clock.advance(3600_000);
    const res = await report(base);
    expect(res.status).toBe(401);
    expect((await json(res)).error.status).toBe('UNAUTHENTICATED');
  });

  it('answers 400 for a property id that is not a number', async () => {
    const res = await post('/v1beta/properties/G-ABC:runReport', base);
    expect(res.status).toBe(400);
    expect((await json(res)).error.message).toMatch(/^Invalid property ID/);
  });
});
