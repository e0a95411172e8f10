import { Type, type Static } from 'typebox';
import { Id, Role } from './common';

export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
/** Passwords an admin sets: long enough to resist guessing, bounded so the KDF cannot be abused. */
export const NewPassword = Type.String({ minLength: 12, maxLength: 1024 });

export const LoginBody = Type.Object({ email: Type.String({ minLength: 1, maxLength: 254 }), password: Password }, { additionalProperties: false });
export type LoginBody = Static<typeof LoginBody>;

const RefreshToken = Type.String({ minLength: 20, maxLength: 200 });

export const RefreshBody = Type.Object(
  { refresh_token: RefreshToken },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

/**
 * POST /auth/refresh. `retry_key` is a random value the client makes for each refresh and keeps, in memory only,
 * until an answer arrives: when the answer to a refresh is lost (a timeout, a dropped connection), the client sends
 * the same token with the same key again and the server retires the token it issued the first time instead of
 * treating the second use as a replay. Without a key, any second use is a replay.
 */
export const RefreshRequest = Type.Object(
  {
    refresh_token: RefreshToken,
    retry_key: Type.Optional(Type.String({ minLength: 16, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export type RefreshRequest = Static<typeof RefreshRequest>;
/** How long after a refresh its client may still retry it with the same retry key. */
export const REFRESH_RETRY_WINDOW_SECONDS = 10 * 60;

export const AdminIdentity = Type.Object({ id: Id, name: Type.String(), email: Type.String(), role: Role });
export type AdminIdentity = Static<typeof AdminIdentity>;

export const TokenPair = Type.Object({
  access_token: Type.String(),
  refresh_token: Type.String(),
  /** Seconds until the access token expires. */
  expires_in: Type.Integer(),
  admin: AdminIdentity,
});
export type TokenPair = Static<typeof TokenPair>;

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_DAYS = 30;
