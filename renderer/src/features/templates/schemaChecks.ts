import { unsupportedWriteOnlyPaths } from '../../../../shared/secret-fields';
import { rawErrors } from '../../lib/schemaValidator';

export interface SchemaCheck {
  schema: Record<string, unknown> | null;
  errors: string[];
}

const KNOWN_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/** Where a JSON.parse error happened, as "line L, column C" (V8 reports a position). */
function locate(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos).split('\n');
  return `${message.replace(/\s*\(line.*$/, '').replace(/ in JSON at position \d+.*/, '')} at line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/** The checks the editor runs on every keystroke; the server validates again (as a real JSON Schema) on save. */
export function checkConfigSchema(text: string): SchemaCheck {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { schema: null, errors: [`Not valid JSON: ${locate(text, (err as Error).message)}`] };
  }
  const errors: string[] = [];
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { schema: null, errors: ['The schema must be a JSON object'] };
  const s = parsed as Record<string, unknown>;
  if (s.type !== 'object') errors.push('The root "type" must be "object"');
  const props = s.properties;
  if (props === undefined || typeof props !== 'object' || Array.isArray(props) || props === null) errors.push('"properties" must be an object of fields');
  else {
    for (const [name, p] of Object.entries(props as Record<string, unknown>)) {
      if (!p || typeof p !== 'object') {
        errors.push(`Field "${name}" must be a schema object`);
        continue;
      }
      const t = (p as { type?: unknown }).type;
      if (t !== undefined && !(typeof t === 'string' ? KNOWN_TYPES.has(t) : Array.isArray(t) && t.every((x) => KNOWN_TYPES.has(String(x))))) errors.push(`Field "${name}" has an unknown type ${JSON.stringify(t)}`);
      const pattern = (p as { pattern?: unknown }).pattern;
      if (typeof pattern === 'string') {
        try {
          new RegExp(pattern, 'u');
        } catch {
          errors.push(`Field "${name}" has an invalid pattern`);
        }
      }
    }
  }
  if (s.required !== undefined) {
    if (!Array.isArray(s.required) || !s.required.every((r) => typeof r === 'string')) errors.push('"required" must be a list of field names');
    else for (const r of s.required as string[]) if (props && typeof props === 'object' && !(r in (props as object))) errors.push(`"required" lists "${r}", which is not in "properties"`);
  }
  for (const path of unsupportedWriteOnlyPaths(s)) errors.push(`writeOnly (secret) is only allowed on top-level string fields, not at ${path}`);
  const engine = rawErrors(s, {}).find((e) => e.keyword === 'schema');
  if (engine) errors.push(engine.message);
  return { schema: errors.length ? null : s, errors };
}
