/**
 * Malformed IPC argument lists generated from the contract's schemas: not a list, wrong arity, wrong types
 * and out-of-range values at every position and property, unknown and prototype-pollution keys, deep
 * nesting, oversized payloads and values JSON cannot carry. Every candidate is checked to be invalid.
 */
import { contract, type MethodName } from '../../shared/ipc/contract';
import type { ContractValidators } from '../../shared/ipc/validate';
import { badValuesFor } from './openapi-fuzz';
import { sampleValid } from '../sample-valid';
import { deeplyNested, Prng } from './prng';

type Schema = Record<string, any>;

function nonJsonValues(r: Prng): unknown[] {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  return [
    new Date(), new Map([[1, 2]]), new Set([1]), () => 1, Number.NaN, Infinity, -Infinity, cyclic, new Uint8Array(4), Symbol('s'),
    10n, new (class Evil { polluted = true })(), Object.create({ inherited: true }), new Error('x'), /re/, Promise.resolve(1),
    deeplyNested(r.int(70, 200)),
  ];
}

const POLLUTED = () => [
  JSON.parse('{"__proto__":{"polluted":true}}'),
  JSON.parse('{"constructor":{"prototype":{"polluted":true}}}'),
  { prototype: { polluted: true } },
];

function isPlainJsonish(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => x !== undefined && isPlainJsonish(x, depth + 1));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(v as object).every((x) => x === undefined || isPlainJsonish(x, depth + 1));
  }
  return false;
}

function trimmed(a: unknown[]) {
  const c = [...a];
  while (c.length && c[c.length - 1] === undefined) c.pop();
  return c;
}

/** Would the dispatcher accept these raw arguments? (Then they are not malformed.) */
export function acceptable(validators: ContractValidators, m: MethodName, raw: unknown): boolean {
  if (!Array.isArray(raw)) return false;
  let text: string | undefined;
  try {
    text = JSON.stringify(raw);
  } catch {
    return false;
  }
  if (text && text.length > 2 * 1024 * 1024) return false;
  const args = trimmed(raw);
  if (!isPlainJsonish(args)) return false;
  return validators.args(m)(structuredClone(args)) as boolean;
}

export function generateIpcPayloads(m: MethodName, count: number, seed: number, validators: ContractValidators): unknown[] {
  const r = new Prng(seed);
  const schema = contract[m].args as Schema;
  const items: Schema[] = schema.items ?? [];
  const min: number = schema.minItems ?? 0;
  const base = () => items.slice(0, Math.max(min, items.length)).map((s) => structuredClone(sampleValid(s)));
  const out: unknown[] = [];
  const strategies: Array<() => unknown> = [
    () => r.pick([undefined, null, 'x', 42, {}, { 0: 1, length: 1 }, true, r.string(20), deeplyNested(r.int(5, 100))]),
    () => [...base(), ...Array.from({ length: r.int(1, 5) }, () => r.pick([null, 'extra', 1, {}, []]))],
    () => base().slice(0, r.int(0, Math.max(0, min - 1))),
    () => {
      if (!items.length) return [r.pick(nonJsonValues(r))];
      const args = base();
      const i = r.int(0, items.length - 1);
      args[i] = r.pick([...badValuesFor(items[i], r), ...nonJsonValues(r), ...POLLUTED()]);
      return args;
    },
    () => {
      const objects = items.map((s, i) => ({ s, i })).filter(({ s }) => s.type === 'object' || s.anyOf?.some((x: Schema) => x.type === 'object'));
      if (!objects.length) return [...base(), r.pick(POLLUTED())];
      const { s, i } = r.pick(objects);
      const os: Schema = s.type === 'object' ? s : s.anyOf.find((x: Schema) => x.type === 'object');
      const args = base();
      const obj = { ...((args[i] as object) ?? {}) } as Record<string, unknown>;
      const props = Object.entries((os.properties ?? {}) as Record<string, Schema>);
      const pick = r.int(0, 4);
      if (pick === 0 && props.length) {
        const [name, ps] = r.pick(props);
        obj[name] = r.pick([...badValuesFor(ps, r), ...nonJsonValues(r)]);
      } else if (pick === 1 && os.required?.length) {
        delete obj[r.pick(os.required as string[])];
      } else if (pick === 2) {
        obj[r.pick(['unexpected', 'isAdmin', 'token', 'refreshToken', '__proto__x', 'constructor', 'prototype', r.string(10) || 'k'])] = r.pick([1, 'x', {}, null]);
      } else if (pick === 3) {
        Object.assign(obj, r.pick(POLLUTED()));
        if (r.bool()) obj.unexpected = 1;
      } else {
        obj[props.length ? r.pick(props)[0] : 'deep'] = r.bool(0.05) ? 'x'.repeat(2 * 1024 * 1024 + 10) : deeplyNested(r.int(10, 300), r.string(5));
      }
      args[i] = obj;
      return args;
    },
  ];
  let guard = 0;
  while (out.length < count) {
    if (++guard > count * 50) throw new Error(`${m}: only ${out.length} malformed payloads`);
    const p = r.pick(strategies)();
    if (acceptable(validators, m, p)) continue;
    out.push(p);
  }
  return out;
}
