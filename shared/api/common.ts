import { Type, type Static } from 'typebox';

/** Every error the API returns has this shape; `details` lists field-level validation failures. */
export const ApiErrorDetail = Type.Object({
  path: Type.String({ description: 'JSON Pointer to the offending value, prefixed by the request part: /body/config/apiKey, /querystring/limit, /params/id' }),
  message: Type.String(),
});
export type ApiErrorDetail = Static<typeof ApiErrorDetail>;

export const ApiError = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Array(ApiErrorDetail)),
  /** Present on a 409 optimistic-concurrency conflict: the resource as it is now. */
  current: Type.Optional(Type.Unknown()),
});
export type ApiError = Static<typeof ApiError>;

export const Id = Type.Integer({ minimum: 1, maximum: 2147483647 });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

export const Timestamp = Type.String({ format: 'date-time' });
export const NullableTimestamp = Type.Union([Timestamp, Type.Null()]);

/** Opaque keyset cursor; clients pass back what they were given. */
export const Cursor = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' });
export const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 });

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('super_admin')]);
export type Role = Static<typeof Role>;

export const IntegrationStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('active'),
  Type.Literal('error'),
  Type.Literal('disconnected'),
]);
export type IntegrationStatus = Static<typeof IntegrationStatus>;
export const INTEGRATION_STATUSES = ['pending', 'active', 'error', 'disconnected'] as const;

export const StatusCounts = Type.Object({
  pending: Type.Integer(),
  active: Type.Integer(),
  error: Type.Integer(),
  disconnected: Type.Integer(),
  total: Type.Integer(),
});
export type StatusCounts = Static<typeof StatusCounts>;
/** Counts of nothing yet (a new subaccount, a total to add up). */
export const noStatusCounts = (): StatusCounts => ({ pending: 0, active: 0, error: 0, disconnected: 0, total: 0 });

export function page<T extends import('typebox').TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Cursor, Type.Null()]) });
}
