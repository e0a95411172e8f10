import { Type, type Static } from 'typebox';
import { Cursor, Id, Limit, Timestamp } from './common';

export const AuditEntity = Type.Union([
  Type.Literal('template'),
  Type.Literal('integration'),
  Type.Literal('subaccount'),
  Type.Literal('admin'),
]);
export type AuditEntity = Static<typeof AuditEntity>;

export const AuditAction = Type.Union([
  Type.Literal('create'),
  Type.Literal('update'),
  Type.Literal('delete'),
  Type.Literal('activate'),
  Type.Literal('deactivate'),
]);
export type AuditAction = Static<typeof AuditAction>;

/** `from`/`to` of a secret field are never present: a changed secret appears as `{ changed: true, secret: true }`. */
export const AuditChange = Type.Object({
  from: Type.Optional(Type.Unknown()),
  to: Type.Optional(Type.Unknown()),
  changed: Type.Optional(Type.Boolean()),
  secret: Type.Optional(Type.Boolean()),
});

export const AuditEntry = Type.Object({
  id: Id,
  at: Timestamp,
  actorAdminId: Type.Union([Id, Type.Null()]),
  actorEmail: Type.Union([Type.String(), Type.Null()]),
  subAccountId: Type.Union([Id, Type.Null()]),
  entity: AuditEntity,
  entityId: Id,
  action: AuditAction,
  summary: Type.String(),
  diff: Type.Record(Type.String(), AuditChange),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const ListAuditQuery = Type.Object(
  {
    subAccountId: Type.Optional(Id),
    entity: Type.Optional(AuditEntity),
    entityId: Type.Optional(Id),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type ListAuditQuery = Static<typeof ListAuditQuery>;

export const AuditPage = Type.Object({ items: Type.Array(AuditEntry), nextCursor: Type.Union([Cursor, Type.Null()]) });
