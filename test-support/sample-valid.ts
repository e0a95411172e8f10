type Schema = Record<string, any>;

/**
 * A value valid for the schema shapes our contracts use (API routes and IPC arguments): the starting
 * point that fuzzers break one field at a time.
 */
export function sampleValid(s: Schema | undefined): unknown {
  if (!s) return undefined;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.anyOf) return sampleValid(s.anyOf[0]);
  switch (s.type) {
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (s.format === 'email') return 'a@b.co';
      if (s.format === 'uri') return 'https://example.test/x';
      if (s.pattern === '^https?://') return 'https://api.example.com';
      // Satisfies every other pattern of the contracts (names, cursors, profile and draft ids).
      if (s.pattern) return 'abcdEFGH1234';
      return 'x'.repeat(Math.max(1, s.minLength ?? 1));
    case 'array':
      return [];
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const r of s.required ?? []) o[r] = sampleValid(s.properties?.[r]);
      if (s.minProperties && Object.keys(o).length < s.minProperties) {
        const [k, v] = Object.entries(s.properties ?? {})[0] as [string, Schema];
        o[k] = sampleValid(v);
      }
      return o;
    }
    default:
      return {};
  }
}
