import { Ajv, type ErrorObject, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ApiErrorDetail } from '../../shared/api/common';

// ajv-formats ships CJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, removeAdditional: false, ...options });
  addFormats(ajv);
  return ajv;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

const MESSAGES: Record<string, (e: ErrorObject) => string> = {
  required: () => 'is required',
  additionalProperties: () => 'is not an allowed field',
  type: (e) => `must be ${(e.params as { type: string }).type}`,
};

/** Turns ajv errors into `{path, message}` pairs whose path points at the offending field itself. */
export function ajvErrorsToDetails(errors: ErrorObject[] | null | undefined, prefix: string): ApiErrorDetail[] {
  const out: ApiErrorDetail[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    let path = `${prefix}${e.instancePath}`;
    const params = e.params as Record<string, string>;
    if (e.keyword === 'required') path += `/${escapePointer(params.missingProperty)}`;
    if (e.keyword === 'additionalProperties') path += `/${escapePointer(params.additionalProperty)}`;
    // anyOf/oneOf of nullable unions repeat the same failure per branch; one line per field is enough.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const message = MESSAGES[e.keyword]?.(e) ?? e.message ?? 'is invalid';
    const key = `${path}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: path || '/', message });
  }
  if (out.length === 0 && errors?.length) out.push({ path: prefix || '/', message: errors[0].message ?? 'is invalid' });
  return out;
}

/**
 * The JSON Pointer of the first string (value or key) holding a NUL character, or null. PostgreSQL cannot
 * store U+0000 in text or jsonb, so such input would otherwise fail in the database as a 500. Iterative,
 * so deeply nested input cannot exhaust the stack.
 */
export function findNulCharacter(value: unknown, prefix: string): string | null {
  // Nearly every request has none: look first without building a path for every field.
  return hasNulCharacter(value) ? nulCharacterPath(value, prefix) : null;
}

function hasNulCharacter(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return true;
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const k in v) {
        if (!Object.hasOwn(v, k)) continue;
        if (k.includes('\u0000')) return true;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return false;
}

function nulCharacterPath(value: unknown, prefix: string): string | null {
  const stack: Array<[unknown, string]> = [[value, prefix]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path || '/';
    } else if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
      for (const [k, child] of Object.entries(v)) {
        const childPath = `${path}/${escapePointer(k)}`;
        if (k.includes('\u0000')) return childPath;
        stack.push([child, childPath]);
      }
    }
  }
  return null;
}
