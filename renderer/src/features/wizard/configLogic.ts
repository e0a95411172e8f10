/**
 * The pure rules of the configuration step: which secrets are stored, what the form validates, what is
 * sent to the server and to drafts, and how server field errors land on fields.
 */
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { SECRET_PLACEHOLDER, secretFieldsOf, type JsonSchemaLike } from '../../../../shared/secret-fields';

export type Config = Record<string, unknown>;

/**
 * Very long secrets (a service account JSON key, up to 20,000 characters) get a multi-line masked box;
 * tokens (up to 4,096) stay one-line password inputs.
 */
const MULTILINE_SECRET_MIN_LENGTH = 8000;

/**
 * The form's view of a config that came from the server or a draft: secret placeholders are removed
 * (the inputs start empty) and reported as stored.
 */
export function splitStoredSecrets(schema: JsonSchemaLike, config: Config, alsoStored: string[] = []): { formData: Config; stored: string[] } {
  const secrets = new Set(secretFieldsOf(schema));
  const formData: Config = {};
  const stored = new Set<string>();
  for (const [k, v] of Object.entries(config ?? {})) {
    if (secrets.has(k) && v === SECRET_PLACEHOLDER) stored.add(k);
    else if (v !== undefined && v !== null && !(secrets.has(k) && v === '')) formData[k] = v;
  }
  for (const k of alsoStored) if (secrets.has(k) && formData[k] === undefined) stored.add(k);
  return { formData, stored: [...stored] };
}

/**
 * The schema the form validates against: a stored secret may stay empty ("leave empty to keep"), so it is
 * not required in the form even when the template requires it.
 */
export function formSchemaFor(schema: JsonSchemaLike, storedSecrets: string[]): RJSFSchema {
  const copy = structuredClone(schema) as RJSFSchema;
  if (Array.isArray(copy.required) && storedSecrets.length) copy.required = copy.required.filter((r) => !storedSecrets.includes(r));
  // rjsf shows the schema's title above the form; the wizard has its own heading.
  delete copy.title;
  delete copy.description;
  return copy;
}

export function uiSchemaFor(schema: JsonSchemaLike, storedSecrets: string[]): UiSchema {
  const ui: UiSchema = { 'ui:submitButtonOptions': { norender: true } };
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  for (const name of secretFieldsOf(schema)) {
    ui[name] = {
      'ui:widget': 'secret',
      'ui:options': {
        stored: storedSecrets.includes(name),
        multiline: Number(props[name]?.maxLength ?? 0) >= MULTILINE_SECRET_MIN_LENGTH,
      },
    };
  }
  return ui;
}

/** Drops empty values so "cleared" and "never typed" are the same (absent), as the API expects. */
function compact(config: Config): Config {
  const out: Config = {};
  for (const [k, v] of Object.entries(config ?? {})) if (v !== undefined && v !== null && v !== '') out[k] = v;
  return out;
}

/**
 * The config to send (save, draft, test): typed secrets as typed; an untouched stored secret as
 * SECRET_PLACEHOLDER (keep it); a secret neither typed nor stored is left out.
 */
export function configForSubmit(schema: JsonSchemaLike, formData: Config, storedSecrets: string[]): Config {
  const out = compact(formData);
  for (const name of secretFieldsOf(schema)) {
    if (typeof out[name] === 'string' && out[name] !== '') continue;
    if (storedSecrets.includes(name)) out[name] = SECRET_PLACEHOLDER;
    else delete out[name];
  }
  return out;
}

/** True when the config still holds a placeholder: only the saved integration (or draft) knows that secret. */
export const usesStoredSecret = (config: Config) => Object.values(config).some((v) => v === SECRET_PLACEHOLDER);

/**
 * Field errors from main (`apiKey`, `nested/field`, '' for the whole config) as an rjsf ErrorSchema, so they
 * show under the right inputs.
 */
export function fieldErrorsToErrorSchema(fieldErrors: Record<string, string> | undefined): ErrorSchema | undefined {
  if (!fieldErrors || !Object.keys(fieldErrors).length) return undefined;
  const root: Record<string, unknown> = {};
  for (const [path, message] of Object.entries(fieldErrors)) {
    const parts = path.replace(/^\//, '').split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node = root;
    for (const p of parts) node = (node[p] ??= {}) as Record<string, unknown>;
    ((node.__errors ??= []) as string[]).push(message);
  }
  return root as ErrorSchema;
}

/** The top-level field names that carry errors (to tell the user which fields to look at). */
export const erroredFields = (fieldErrors: Record<string, string> | undefined) => Object.keys(fieldErrors ?? {}).map((p) => p.split('/')[0]);
