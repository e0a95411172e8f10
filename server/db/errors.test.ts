import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { errorSummary, isDatabaseUnavailable } from './errors';

describe('database error helpers', () => {
  it('summarises a failed query by the driver message, never with its statement and parameters', () => {
    const cause = Object.assign(new Error('value too long for type character varying(10)'), { code: '22001' });
    const wrapped = new DrizzleQueryError('insert into sync_records (data) values ($1)', ['{"email":"jane@example.com"}'], cause);
    expect(errorSummary(wrapped)).toBe('value too long for type character varying(10)');
    expect(errorSummary(new Error('plain'))).toBe('plain');
    expect(errorSummary('text')).toBe('text');
  });

  it('sees a lost connection through the wrapper', () => {
    const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(isDatabaseUnavailable(new DrizzleQueryError('select 1', [], lost))).toBe(true);
    expect(isDatabaseUnavailable(new DrizzleQueryError('select 1', [], Object.assign(new Error('syntax'), { code: '42601' })))).toBe(false);
  });
});
