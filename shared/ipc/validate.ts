import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { contract, events, type EventName, type MethodName } from './contract';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/** Strict: no coercion, no defaults, no removal; unknown fields are errors where the schema says so. */
export function createContractAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
  addFormats(ajv);
  return ajv;
}

export interface ContractValidators {
  args(method: MethodName): ValidateFunction;
  result(method: MethodName): ValidateFunction;
  event(event: EventName): ValidateFunction;
}

/** Compiles each schema on first use. */
export function createContractValidators(ajv: Ajv = createContractAjv()): ContractValidators {
  const cache = new Map<string, ValidateFunction>();
  const get = (key: string, schema: object) => {
    let v = cache.get(key);
    if (!v) {
      v = ajv.compile(schema);
      cache.set(key, v);
    }
    return v;
  };
  return {
    args: (m) => get(`args:${m}`, contract[m].args),
    result: (m) => get(`result:${m}`, contract[m].result),
    event: (e) => get(`event:${e}`, events[e]),
  };
}

/** ajv errors → `{ "0/name": "must be string" }` (argument index, then the path inside it). */
export function argErrors(errors: ErrorObject[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    let path = e.instancePath.replace(/^\//, '');
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required') path = [path, String(params.missingProperty)].filter(Boolean).join('/');
    if (e.keyword === 'additionalProperties') path = [path, String(params.additionalProperty)].filter(Boolean).join('/');
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const key = path || '(arguments)';
    const message =
      e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not an allowed field' : (e.message ?? 'is invalid');
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  if (Object.keys(out).length === 0 && errors?.length) out['(arguments)'] = errors[0].message ?? 'is invalid';
  return out;
}
