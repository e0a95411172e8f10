import { describe, expect, it } from 'vitest';
import { statementName } from './statement-names';

describe('statementName', () => {
  it('names the same text the same way and different texts differently, within PostgreSQL\'s 63-byte limit', () => {
    const a = statementName('page', 'select 1 where x = $1');
    expect(statementName('page', 'select 1 where x = $1')).toBe(a);
    expect(statementName('page', 'select 1 where x = $1 and y = $2')).not.toBe(a);
    expect(a).toMatch(/^page_[0-9a-f]{16}$/);
    expect(Buffer.byteLength(statementName('integrations_counted', 'select 2'))).toBeLessThanOrEqual(63);
  });
});
