/**
 * Secret-field rules shared by the server, the console's main process and the renderer.
 * A config property is secret when its JSON Schema carries the standard keyword `writeOnly: true`.
 */

/**
 * What the API returns in place of a stored secret. Sending it back in a PUT keeps the stored value;
 * it can never itself be stored as a secret.
 */
export const SECRET_PLACEHOLDER = '__LOCTELLI_SECRET_SET__';

export interface JsonSchemaLike {
  type?: unknown;
  properties?: Record<string, unknown>;
  [k: string]: unknown;
}

/** Names of the top-level properties of a config schema marked `writeOnly: true`. */
export function secretFieldsOf(schema: JsonSchemaLike | null | undefined): string[] {
  const props = schema?.properties;
  if (!props || typeof props !== 'object') return [];
  return Object.entries(props)
    .filter(([, p]) => !!p && typeof p === 'object' && (p as { writeOnly?: unknown }).writeOnly === true)
    .map(([name]) => name);
}

/** Lists every place below the root where `writeOnly` is used; only top-level string properties may be secret. */
export function unsupportedWriteOnlyPaths(schema: unknown): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string, depth: number) => {
    if (!node || typeof node !== 'object' || depth > 64) return;
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, `${path}/${i}`, depth + 1));
      return;
    }
    const obj = node as Record<string, unknown>;
    const isTopLevelProperty = /^\/properties\/[^/]+$/.test(path);
    if (obj.writeOnly === true && (!isTopLevelProperty || obj.type !== 'string')) found.push(path || '/');
    for (const [k, v] of Object.entries(obj)) walk(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, depth + 1);
  };
  walk(schema, '', 0);
  return found;
}
