import { protocol } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { bindDescribeExecuteSync, concat } from './pglite-bind';

const { serialize } = protocol;

/** What PGlite's own serializer (pg-protocol) writes for the same four messages. */
function reference(statement: string, values: Array<string | null>): Uint8Array {
  return concat([serialize.bind({ statement, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
}

describe('bindDescribeExecuteSync', () => {
  it.each<[string, string, Array<string | null>]>([
    ['no parameters', 'pglite_1', []],
    ['NULL and empty text', 'pglite_2', [null, '', null]],
    ['ASCII', 'pglite_3', ['42', 'hello', '{"a":1}']],
    ['two-, three- and four-byte UTF-8', 'pglite_12', ['é', 'ü€漢字', '😀 emoji 👍🏽', 'mixed é€😀 text']],
    ['a lone surrogate (written as U+FFFD by both)', 'pglite_7', ['a\uD800b', '\uDC00']],
    ['a large JSON batch', 'pglite_200', [JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ id: i, name: `Lead ${i} — Zoë`, tags: ['a', 'b'] })))]],
  ])('writes the same bytes as pg-protocol: %s', (_label, statement, values) => {
    expect(Buffer.from(bindDescribeExecuteSync(statement, values))).toEqual(Buffer.from(reference(statement, values)));
  });
});
