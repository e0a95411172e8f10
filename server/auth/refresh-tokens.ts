import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { REFRESH_RETRY_WINDOW_SECONDS, REFRESH_TOKEN_TTL_DAYS } from '../../shared/api/auth';
import type { Db } from '../db/connect';
import { refreshTokens } from '../db/schema';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new refresh token: a new family for a sign-in, or the next one of `rotated.familyId` replacing `parentId`. */
export async function issueRefreshToken(db: Db, adminId: number, rotated?: { familyId: string; parentId: number }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(refreshTokens).values({
    adminId,
    tokenHash: hashToken(token),
    familyId: rotated?.familyId ?? randomUUID(),
    parentId: rotated?.parentId ?? null,
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_TTL_DAYS * 86_400_000),
  });
  return token;
}

export type RotateOutcome =
  | { ok: true; adminId: number; familyId: string; tokenId: number }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'reused' };

/**
 * Marks a refresh token used and tells the caller which family to continue. A token presented a second
 * time means it was stolen or replayed: the whole family (every token descended from that sign-in) is
 * revoked, which signs out both the thief and the victim — unless it is the same client retrying a refresh
 * whose answer it never received (see `retiresLostAnswer`).
 */
export async function consumeRefreshToken(db: Db, token: string, retryKey?: string): Promise<RotateOutcome> {
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hashToken(token)));
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) return { ok: false, reason: 'revoked' };
  const granted = { ok: true, adminId: row.adminId, familyId: row.familyId, tokenId: row.id } as const;
  if (row.usedAt) {
    if (retryKey && (await retiresLostAnswer(db, row, retryKey))) return granted;
    await revokeFamily(db, row.familyId);
    return { ok: false, reason: 'reused' };
  }
  if (row.expiresAt.getTime() <= Date.now()) return { ok: false, reason: 'expired' };
  const claimed = await db
    .update(refreshTokens)
    .set({ usedAt: sql`now()`, retryKeyHash: retryKey ? hashToken(retryKey) : null })
    .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  if (claimed.length === 0) {
    // Revoked (a sign-out) or used by another request between our read and write: the latter is reuse too.
    const [now] = await db.select({ revokedAt: refreshTokens.revokedAt }).from(refreshTokens).where(eq(refreshTokens.id, row.id));
    if (now?.revokedAt) return { ok: false, reason: 'revoked' };
    await revokeFamily(db, row.familyId);
    return { ok: false, reason: 'reused' };
  }
  return granted;
}

/**
 * A used token presented again with the retry key its first use carried, soon after, while no token issued
 * from it has been used: the client never got the first answer. The tokens issued from it are revoked (the
 * caller issues a new one), so the lost answer can never be used. A copied token alone is still a replay: the
 * key is never stored by the client. Locking the issued tokens makes a concurrent use of one of them either
 * land first (then this is a replay) or find it revoked.
 */
async function retiresLostAnswer(db: Db, row: typeof refreshTokens.$inferSelect, retryKey: string): Promise<boolean> {
  if (!row.retryKeyHash || !row.usedAt) return false;
  const sent = Buffer.from(hashToken(retryKey), 'hex');
  const stored = Buffer.from(row.retryKeyHash, 'hex');
  if (sent.length !== stored.length || !timingSafeEqual(sent, stored)) return false;
  if (Date.now() - row.usedAt.getTime() > REFRESH_RETRY_WINDOW_SECONDS * 1000) return false;
  return db.transaction(async (tx) => {
    const issued = await tx
      .select({ usedAt: refreshTokens.usedAt })
      .from(refreshTokens)
      .where(eq(refreshTokens.parentId, row.id))
      .for('update');
    if (issued.some((t) => t.usedAt !== null)) return false;
    await tx
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.parentId, row.id), isNull(refreshTokens.revokedAt)));
    return true;
  });
}

export async function revokeFamily(db: Db, familyId: string) {
  await db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

export async function revokeFamilyOfToken(db: Db, token: string) {
  const [row] = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashToken(token)));
  if (row) await revokeFamily(db, row.familyId);
}

export async function revokeAllForAdmin(db: Db, adminId: number) {
  await db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.adminId, adminId), isNull(refreshTokens.revokedAt)));
}
