import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

const unescape = (s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~');

/** ajv errors → `{ apiKey: "is required" }`, keyed by the field's path inside the config. */
export function configFieldErrors(errors: ErrorObject[] | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors ?? []) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    let segments = e.instancePath.split('/').slice(1).map(unescape);
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required') segments = [...segments, String(params.missingProperty)];
    if (e.keyword === 'additionalProperties') segments = [...segments, String(params.additionalProperty)];
    const key = segments.join('/') || '(config)';
    const message =
      e.keyword === 'required' ? 'is required' : e.keyword === 'additionalProperties' ? 'is not an allowed field' : (e.message ?? 'is invalid');
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  }
  return out;
}

/** Validates configs against template schemas offline, the way the server does (draft-07, formats). */
export class ConfigValidator {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction | Error>();

  constructor() {
    this.ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
    addFormats(this.ajv);
  }

  /**
   * `ignore`: fields whose value is held elsewhere (a secret kept on the server): they count as present
   * and valid.
   */
  validate(schemaKey: string, schema: Record<string, unknown>, config: Record<string, unknown>, ignore: string[] = []): { valid: boolean; fieldErrors: Record<string, string> } {
    let v = this.compiled.get(schemaKey);
    if (!v) {
      try {
        v = this.ajv.compile(schema);
      } catch (err) {
        v = err as Error;
      }
      this.compiled.set(schemaKey, v);
    }
    if (v instanceof Error) return { valid: false, fieldErrors: { '(config)': `The template's schema cannot be used: ${v.message}` } };
    const instance = { ...config };
    for (const f of ignore) delete instance[f];
    v(instance);
    const fieldErrors = configFieldErrors(v.errors);
    for (const f of ignore) delete fieldErrors[f];
    return { valid: Object.keys(fieldErrors).length === 0, fieldErrors };
  }
}
