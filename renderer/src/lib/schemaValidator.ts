/**
 * A JSON Schema validator for @rjsf that runs under the console's CSP. @rjsf/validator-ajv8 compiles
 * schemas with `new Function`, which `script-src 'self'` forbids (no 'unsafe-eval'); TypeBox's schema
 * engine interprets the schema instead, and reports errors with ajv-style instance paths.
 */
import type { CustomValidator, ErrorSchema, ErrorTransformer, RJSFSchema, RJSFValidationError, UiSchema, ValidationData, ValidatorType } from '@rjsf/utils';
import { createErrorHandler, toErrorSchema, unwrapErrorHandler, validationDataMerge } from '@rjsf/utils';
import Schema from 'typebox/schema';

interface RawError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Messages for people: the pattern's regex says little to most users, so it goes last. */
export function humanMessage(e: RawError): string {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'minLength':
      return Number(p.limit) === 1 ? 'is required' : `must be at least ${p.limit} characters`;
    case 'maxLength':
      return `must be at most ${p.limit} characters`;
    case 'pattern':
      return `has an unexpected format (expected ${p.pattern})`;
    case 'format':
      return p.format === 'uri' ? 'must be a full URL (https://…)' : p.format === 'email' ? 'must be an e-mail address' : `must be a valid ${p.format}`;
    case 'minimum':
      return `must be ≥ ${p.limit}`;
    case 'maximum':
      return `must be ≤ ${p.limit}`;
    case 'enum':
      return 'must be one of the listed values';
    case 'type':
      return `must be ${Array.isArray(p.type) ? p.type.join(' or ') : p.type}`;
    case 'additionalProperties':
      return `has unknown field${(p.additionalProperties as string[] | undefined)?.length === 1 ? '' : 's'} ${((p.additionalProperties as string[] | undefined) ?? []).join(', ')}`;
    default:
      return e.message;
  }
}

/** JSON Pointer → rjsf's dotted property (`/a/0/b` → `.a.0.b`). */
const toProperty = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((s) => '.' + s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('');

export function rawErrors(schema: unknown, data: unknown): RawError[] {
  try {
    const [, errors] = Schema.Errors(schema as never, data);
    return errors as unknown as RawError[];
  } catch (err) {
    return [{ keyword: 'schema', instancePath: '', schemaPath: '#', params: {}, message: `The schema cannot be used: ${(err as Error).message}` }];
  }
}

export function toRjsfErrors(raw: RawError[]): RJSFValidationError[] {
  const out: RJSFValidationError[] = [];
  for (const e of raw) {
    // additionalProperties:false reports each extra property a second time as "schema is false".
    if (e.keyword === 'boolean') continue;
    if (e.keyword === 'required') {
      for (const name of (e.params.requiredProperties as string[] | undefined) ?? []) {
        const property = `${toProperty(e.instancePath)}.${name}`;
        out.push({ name: 'required', property, message: 'is required', params: { missingProperty: name }, stack: `${property} is required`, schemaPath: e.schemaPath });
      }
      continue;
    }
    const property = toProperty(e.instancePath);
    const message = humanMessage(e);
    out.push({ name: e.keyword, property, message, params: e.params, stack: `${property || 'form'} ${message}`.trim(), schemaPath: e.schemaPath });
  }
  return out;
}

export const cspSafeValidator: ValidatorType = {
  validateFormData(
    formData: unknown,
    schema: RJSFSchema,
    customValidate?: CustomValidator,
    transformErrors?: ErrorTransformer,
    uiSchema?: UiSchema,
  ): ValidationData<unknown> {
    let errors = toRjsfErrors(rawErrors(schema, formData ?? {}));
    if (typeof transformErrors === 'function') errors = transformErrors(errors, uiSchema);
    let errorSchema = toErrorSchema(errors) as ErrorSchema<unknown>;
    if (typeof customValidate === 'function') {
      const handler = customValidate(formData, createErrorHandler(formData), uiSchema);
      const merged = validationDataMerge({ errors, errorSchema }, unwrapErrorHandler(handler));
      errors = merged.errors;
      errorSchema = merged.errorSchema;
    }
    return { errors, errorSchema };
  },
  isValid(schema: RJSFSchema, formData: unknown, rootSchema: RJSFSchema) {
    try {
      const withDefs = { ...schema, definitions: rootSchema.definitions, $defs: (rootSchema as Record<string, unknown>).$defs };
      return Schema.Check(withDefs as never, formData);
    } catch {
      return false;
    }
  },
  rawValidation<Result = unknown>(schema: RJSFSchema, formData?: unknown) {
    return { errors: rawErrors(schema, formData) as unknown as Result[] };
  },
};
