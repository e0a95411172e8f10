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
      return (data) => (serialize ??= build(route))(data);
    };
  };
}
