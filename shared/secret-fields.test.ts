import { describe, expect, it } from 'vitest';
import { secretFieldsOf, unsupportedWriteOnlyPaths } from './secret-fields';
import { BUILT_IN_TEMPLATES } from './templates';

describe('secret fields', () => {
  it('are the writeOnly properties of the built-in templates', () => {
    expect(Object.fromEntries(BUILT_IN_TEMPLATES.map((t) => [t.name, secretFieldsOf(t.configSchema)]))).toEqual({
      GoHighLevel: ['apiKey'],
      FacebookAds: ['accessToken', 'appSecret'],
      GoogleAnalytics: ['serviceAccountKey'],
    });
  });

  it('flags writeOnly where the placeholder mechanism cannot work', () => {
    for (const t of BUILT_IN_TEMPLATES) expect(unsupportedWriteOnlyPaths(t.configSchema)).toEqual([]);
    expect(
      unsupportedWriteOnlyPaths({
        type: 'object',
        properties: { n: { type: 'integer', writeOnly: true }, o: { type: 'object', properties: { s: { type: 'string', writeOnly: true } } } },
      }),
    ).toEqual(['/properties/n', '/properties/o/properties/s']);
  });
});
