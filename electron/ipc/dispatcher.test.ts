import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contract, type Handlers, type MethodName } from '../../shared/ipc/contract';
import { isIpcError } from '../../shared/ipc/errors';
import { METHOD_NAMES } from '../../shared/ipc/methods';
import { createContractValidators } from '../../shared/ipc/validate';
import { createNodeHost } from '../node-host';
import { createDispatcher, MAX_PAYLOAD_BYTES } from './dispatcher';
import { sampleValid } from '../../test-support/sample-valid';

type Schema = Record<string, any>;

/** JSON values of every type, to find ones a schema does not allow. */
const SAMPLES: unknown[] = [null, true, 0, -1, 1.5, 2 ** 40, '', 'x', 'ä'.repeat(3), [], [1], {}, { a: 1 }];

function allowsValue(schema: Schema, _value: unknown): boolean | null {
  // null: cannot tell without validating (unknown/any schemas, formats, patterns...).
  if (!schema || Object.keys(schema).filter((k) => k !== 'description' && k !== 'title').length === 0) return true;
  return null;
}

/**
 * Generates malformed argument lists for a method from its schema: wrong arity, wrong types at every
 * position, and for object arguments a missing required property, an unknown property, and a wrong type
 * at every property. Each candidate is then checked to really be invalid (a few mutations can be valid,
 * e.g. a wrong "type" for a property accepting anything); the rest must be refused.
 */
function malformed(method: MethodName): unknown[] {
  const schema = contract[method].args as Schema;
  const items: Schema[] = schema.items ?? [];
  const min: number = schema.minItems ?? 0;
  const valid = (i: number): unknown => sampleValid(items[i]);
  const base = items.slice(0, Math.max(min, items.length)).map((_, i) => valid(i));
  const out: unknown[] = [
    undefined, null, 'x', 42, {}, { 0: 1 }, true,
    [...base, 'extra'],
    [...base, null, null, null],
  ];
  if (min > 0) out.push([], base.slice(0, min - 1));
  items.forEach((item, i) => {
    for (const s of SAMPLES) {
      if (allowsValue(item, s) === true) continue;
      const args = [...base];
      args[i] = s;
      out.push(args);
    }
    if (item.type === 'object' && item.properties) {
      const obj = (base[i] ?? {}) as Record<string, unknown>;
      out.push(Object.assign([...base], { [i]: { ...obj, unexpectedField: 1 } }));
      out.push(Object.assign([...base], { [i]: { ...obj, __proto__: { polluted: true } } }));
      for (const req of item.required ?? []) {
        const copy = { ...obj };
        delete copy[req];
        out.push(Object.assign([...base], { [i]: copy }));
      }
      for (const [prop, ps] of Object.entries(item.properties as Record<string, Schema>)) {
        for (const s of SAMPLES) {
          if (allowsValue(ps, s) === true) continue;
          out.push(Object.assign([...base], { [i]: { ...obj, [prop]: s } }));
        }
      }
    }
  });
  return out;
}


function spyHandlers() {
  const calls: string[] = [];
  const handlers = Object.fromEntries(
    METHOD_NAMES.map((m) => [
      m,
      async () => {
        calls.push(m);
        return null;
      },
    ]),
  ) as unknown as Handlers;
  return { calls, handlers };
}

describe('IPC dispatcher', () => {
  it('refuses malformed payloads for every method with a typed error, before any handler runs', async () => {
    const { calls, handlers } = spyHandlers();
    const dispatch = createDispatcher(handlers);
    const validators = createContractValidators();
    let refused = 0;
    for (const m of METHOD_NAMES) {
      const payloads = malformed(m).filter((p) => !(Array.isArray(p) && validators.args(m)(trimmed(p))));
      expect(payloads.length, m).toBeGreaterThanOrEqual(9);
      for (const p of payloads) {
        const r = await dispatch(m, p, { trusted: true });
        expect(r.ok, `${m} ${JSON.stringify(p)}`).toBe(false);
        if (!r.ok) {
          expect(r.error.code).toBe('invalid_payload');
          expect(isIpcError(r.error)).toBe(true);
        }
        refused++;
      }
    }
    expect(calls).toEqual([]);
    expect(refused).toBeGreaterThan(METHOD_NAMES.length * 10);
  });

  it('accepts well-formed payloads (the generator is not refusing everything)', async () => {
    const { calls, handlers } = spyHandlers();
    const dispatch = createDispatcher(handlers);
    for (const m of METHOD_NAMES) {
      const items: Schema[] = (contract[m].args as Schema).items ?? [];
      const args = items.slice(0, (contract[m].args as Schema).minItems ?? 0).map((s) => sampleValid(s));
      const r = await dispatch(m, args, { trusted: true });
      expect(r.ok, `${m} ${JSON.stringify(args)} ${JSON.stringify(r)}`).toBe(true);
    }
    expect(calls).toEqual([...METHOD_NAMES]);
  });

  it('refuses non-JSON values, oversized payloads and unknown methods', async () => {
    const { calls, handlers } = spyHandlers();
    const dispatch = createDispatcher(handlers);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const [m, args] of [
      ['integrations.list', [new Date()]],
      ['integrations.list', [new Map()]],
      ['integrations.testConfig', [1, cyclic]],
      ['integrations.testConfig', [1, { apiKey: () => 1 }]],
      ['integrations.get', [Number.NaN]],
      ['integrations.get', [Infinity]],
      ['integrations.testConfig', [1, { blob: 'x'.repeat(MAX_PAYLOAD_BYTES) }]],
      ['integrations.invoke', [1]],
      ['__proto__', []],
      ['constructor', []],
      ['toString', []],
    ] as const) {
      const r = await dispatch(m, args, { trusted: true });
      expect(r, m).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses every call from an untrusted sender, whatever the payload', async () => {
    const { calls, handlers } = spyHandlers();
    const refused: string[] = [];
    const dispatch = createDispatcher(handlers, { onRefused: (m) => refused.push(m) });
    for (const m of METHOD_NAMES) {
      const r = await dispatch(m, [], { trusted: false, description: 'https://evil.example/' });
      expect(r).toEqual({ ok: false, error: { code: 'forbidden_sender', message: expect.any(String) } });
    }
    expect(calls).toEqual([]);
    expect(refused).toEqual([...METHOD_NAMES]);
  });

  it('hides internal errors and can check results against the contract', async () => {
    const { handlers } = spyHandlers();
    const internal: string[] = [];
    (handlers as any)['app.info'] = async () => {
      throw new Error('database password is hunter2');
    };
    const dispatch = createDispatcher(handlers, { validateResults: true, onInternalError: (m) => internal.push(m) });
    const r = await dispatch('app.info', [], { trusted: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(r)).not.toContain('hunter2');
    const bad = await dispatch('settings.get', [], { trusted: true }); // the spy returns null: not a Settings
    expect(bad).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(internal).toEqual(['app.info', 'settings.get']);
  });

  it('malformed calls to the real handlers change nothing on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loctelli-noeffect-'));
    const host = createNodeHost({ userDataDir: dir, startServer: () => Promise.reject(new Error('not used')) });
    const validators = createContractValidators();
    const snapshot = () => JSON.stringify(readdirSync(dir, { recursive: true }).sort());
    const before = snapshot();
    const profilesBefore = await host.dispatch('profiles.list', [], { trusted: true });
    for (const m of METHOD_NAMES) {
      for (const p of malformed(m)) {
        if (Array.isArray(p) && validators.args(m)(trimmed(p))) continue;
        const r = await host.dispatch(m, p, { trusted: true });
        expect(r.ok).toBe(false);
      }
      const untrusted = await host.dispatch(m, [], { trusted: false });
      expect(untrusted.ok).toBe(false);
    }
    expect(snapshot()).toBe(before);
    expect(await host.dispatch('profiles.list', [], { trusted: true })).toEqual(profilesBefore);
    expect(host.core.embedded.state.state).toBe('stopped');
    await host.core.stop();
  });
});

function trimmed(a: unknown[]) {
  const c = [...a];
  while (c.length && c[c.length - 1] === undefined) c.pop();
  return c;
}
