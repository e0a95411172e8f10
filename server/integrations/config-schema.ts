import type { ValidateFunction } from 'ajv';
import type { ApiErrorDetail } from '../../shared/api/common';
import { unsupportedWriteOnlyPaths } from '../../shared/secret-fields';
import { badRequest } from '../http/errors';
import { ajvErrorsToDetails, createAjv } from '../http/validation';

/** One ajv for template schemas: no coercion, every error reported, formats checked. */
const ajv = createAjv({ allErrors: true, coerceTypes: false, useDefaults: false });

/**
 * Checks that a template's configSchema is a usable JSON Schema: valid against the draft-07
 * meta-schema, compilable (resolvable $refs, valid regexes), an object at the root, and secret
 * (`writeOnly`) only on top-level string properties. Throws 400 with paths under /body/configSchema.
 */
export function assertValidConfigSchema(schema: Record<string, unknown>) {
  const prefix = '/body/configSchema';
  const details: ApiErrorDetail[] = [];
  if (!ajv.validateSchema(schema)) details.push(...ajvErrorsToDetails(ajv.errors, prefix));
  if (schema.type !== 'object') details.push({ path: `${prefix}/type`, message: 'must be "object": a config is an object of fields' });
  if (schema.properties !== undefined && (typeof schema.properties !== 'object' || schema.properties === null || Array.isArray(schema.properties))) {
    details.push({ path: `${prefix}/properties`, message: 'must be an object' });
  }
  for (const p of unsupportedWriteOnlyPaths(schema)) {
    details.push({ path: `${prefix}${p}/writeOnly`, message: 'writeOnly (secret) is only supported on top-level string properties' });
  }
  if (details.length === 0) {
    try {
      ajv.compile({ ...schema, $id: undefined });
    } catch (err) {
      details.push({ path: prefix, message: `cannot be compiled: ${(err as Error).message}`.slice(0, 500) });
    }
  }
  if (details.length) throw badRequest('configSchema is not a valid JSON Schema for a config', details);
}

const compiled = new Map<string, ValidateFunction>();

/** Compiles (and caches, per template version) the validator of a template's config. */
export function configValidator(templateId: number, updatedAt: Date, schema: Record<string, unknown>): ValidateFunction {
  const key = `${templateId}@${updatedAt.getTime()}`;
  let fn = compiled.get(key);
  if (!fn) {
    if (compiled.size > 500) compiled.clear();
    fn = ajv.compile({ ...schema, $id: undefined });
    compiled.set(key, fn);
  }
  return fn;
}
