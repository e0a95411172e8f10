import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

/**
 * Route validators and response serializers compiled on first use instead of at start. Compiling all of
 * them (ajv and fast-json-stringify generate code for ~40 routes × several status codes) was a large part
 * of starting the server, and the console's Local workspace starts on every launch while its first screen
 * needs only a handful of routes. Each function is compiled once, on the first request that needs it; the
 * route fuzz suite calls every route, so a schema that does not compile still fails the tests.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyValidator = ((...args: any[]) => unknown) & { errors?: unknown };

export function lazyValidator<V extends AnyValidator>(compile: () => V): V {
  let compiled: V | undefined;
  const validate = ((data: unknown, ctx?: unknown) => {
    compiled ??= compile();
    const result = compiled(data, ctx);
    validate.errors = compiled.errors;
    return result;
  }) as unknown as V & { schemaEnv?: unknown };
  // Fastify passes the parent object (so ajv can apply defaults and coercion at the root) only to
  // validators that look like ajv's.
  validate.schemaEnv = true;
  return validate;
}

type SerializerFactory = (externalSchemas: unknown, options: unknown) => (route: unknown) => (data: unknown) => string;

/** Fastify's own serializer compiler (fast-json-stringify), each route's serializer built on first use. */
export function lazySerializerFactory(): SerializerFactory {
  const eager = (SerializerSelector as unknown as () => SerializerFactory)();
  return (externalSchemas, options) => {
    const build = eager(externalSchemas, options);
    return (route) => {
      let serialize: ((data: unknown) => string) | undefined;
      return (data) => (serialize ??= build(nullableAsTypeArrays(route)))(data);
    };
  };
}

const SCALARS = new Set(['string', 'integer', 'number', 'boolean']);

/**
 * `anyOf: [<scalar>, null]` (how TypeBox writes a nullable field) as `type: [<scalar>, 'null']`, for the serializer
 * only. fast-json-stringify runs an ajv check per value to pick an `anyOf` branch, but writes a type list inline:
 * a page of 50 integrations has 7 nullable fields per row, 350 validator calls per response, which was most of
 * the list's allocation (and garbage collection) after the rows themselves.
 */
export function nullableAsTypeArrays<T>(node: T): T {
  if (Array.isArray(node)) return node.map(nullableAsTypeArrays) as T;
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string, unknown>;
  if (Array.isArray(o.anyOf) && o.anyOf.length === 2) {
    const [a, b] = o.anyOf as Array<Record<string, unknown>>;
    const isNull = (x: Record<string, unknown>) => x && x.type === 'null' && Object.keys(x).length === 1;
    const other = isNull(a) ? b : isNull(b) ? a : null;
    if (other && typeof other.type === 'string' && SCALARS.has(other.type) && !('anyOf' in other) && !('$ref' in other)) {
      const { anyOf: _, ...rest } = o;
      return { ...rest, ...other, type: [other.type, 'null'] } as T;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = nullableAsTypeArrays(v);
  return out as T;
}
