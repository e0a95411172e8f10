import type { AuditAction, AuditEntity } from '../../shared/api/audit';
import type { AuthenticatedAdmin } from '../context';
import type { Db } from '../db/connect';
import { auditLog } from '../db/schema';

export type AuditDiff = Record<string, { from?: unknown; to?: unknown; changed?: true; secret?: true }>;

/** Field-by-field difference of two flat records; only the keys listed are compared. */
export function diffFields(before: Record<string, unknown> | null, after: Record<string, unknown> | null, keys: string[]): AuditDiff {
  const diff: AuditDiff = {};
  for (const key of keys) {
    const from = before?.[key];
    const to = after?.[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) diff[key] = { from: from ?? null, to: to ?? null };
  }
  return diff;
}

/** Marks secret fields as changed without ever recording a value. */
export function secretChanges(fields: Iterable<string>, prefix = ''): AuditDiff {
  const diff: AuditDiff = {};
  for (const f of fields) diff[`${prefix}${f}`] = { changed: true, secret: true };
  return diff;
}

export interface AuditInput {
  actor: AuthenticatedAdmin | null;
  subAccountId: number | null;
  entity: AuditEntity;
  entityId: number;
  action: AuditAction;
  summary: string;
  diff?: AuditDiff;
}

/** Writes one audit entry; callers pass their transaction so the entry commits with the change. */
export async function recordAudit(db: Db, input: AuditInput) {
  await db.insert(auditLog).values({
    actorAdminId: input.actor?.id ?? null,
    actorEmail: input.actor?.email ?? null,
    subAccountId: input.subAccountId,
    entity: input.entity,
    entityId: input.entityId,
    action: input.action,
    summary: input.summary,
    diff: input.diff ?? {},
  });
}
