import type { DraftTemplate } from '../drafts';

export const crashTemplate: DraftTemplate = {
  id: 1,
  displayName: 'Crash Test',
  updatedAt: '2026-01-01T00:00:00.000Z',
  configSchema: {
    type: 'object',
    properties: { apiKey: { type: 'string', writeOnly: true, minLength: 10 }, n: { type: 'integer' }, padding: { type: 'string' } },
    required: ['apiKey', 'n'],
  },
};

/** Everything in revision n is derived from n, so a torn or mixed write is detectable. */
export function revisionContent(n: number) {
  return {
    name: `draft revision ${n}`,
    description: `d${n}`,
    // Large enough that a write takes several syscalls.
    config: { n, padding: `${n}:`.repeat(20_000 + (n % 7) * 3_000), apiKey: `secret-for-revision-${n}` },
  };
}
