import { Type, type Static } from 'typebox';
import { Cursor, Id, Limit, NullableTimestamp, Timestamp } from './common';

export const SyncRunStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('partial'),
  Type.Literal('failed'),
]);
export type SyncRunStatus = Static<typeof SyncRunStatus>;

export const SyncError = Type.Object({
  origin: Type.Union([Type.Literal('provider'), Type.Literal('config'), Type.Literal('network'), Type.Literal('internal')]),
  type: Type.String(),
  message: Type.String(),
  retryable: Type.Boolean(),
});

export const SyncRun = Type.Object({
  id: Id,
  integrationId: Id,
  trigger: Type.Union([Type.Literal('manual'), Type.Literal('schedule'), Type.Literal('webhook')]),
  status: SyncRunStatus,
  queuedAt: Timestamp,
  startedAt: NullableTimestamp,
  finishedAt: NullableTimestamp,
  attempts: Type.Integer(),
  nextAttemptAt: NullableTimestamp,
  counts: Type.Record(Type.String(), Type.Object({ fetched: Type.Integer(), created: Type.Integer(), updated: Type.Integer(), deleted: Type.Optional(Type.Integer()) })),
  progress: Type.Object({ step: Type.Optional(Type.String()), fetched: Type.Optional(Type.Integer()), total: Type.Optional(Type.Integer()) }),
  /** The last failure: final when status is failed/partial, the reason for a retry when queued again. */
  error: Type.Union([SyncError, Type.Null()]),
  notes: Type.Array(Type.String()),
});
export type SyncRun = Static<typeof SyncRun>;

export const SyncRequested = Type.Object({ syncRunId: Id, status: SyncRunStatus, alreadyRunning: Type.Boolean() });
export type SyncRequested = Static<typeof SyncRequested>;

export const PageQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false });
export const SyncRunPage = Type.Object({ items: Type.Array(SyncRun), nextCursor: Type.Union([Cursor, Type.Null()]) });

export const RecordsQuery = Type.Object(
  { kind: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export const SyncedRecord = Type.Object({
  id: Id,
  kind: Type.String(),
  externalId: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
  firstSeenAt: Timestamp,
  updatedAt: Timestamp,
});
export const RecordPage = Type.Object({
  items: Type.Array(SyncedRecord),
  nextCursor: Type.Union([Cursor, Type.Null()]),
  /** Records per kind for this integration. */
  totals: Type.Record(Type.String(), Type.Integer()),
});

export const WebhookEvent = Type.Object({
  id: Id,
  receivedAt: Timestamp,
  eventId: Type.Union([Type.String(), Type.Null()]),
  eventType: Type.Union([Type.String(), Type.Null()]),
  sourceIp: Type.Union([Type.String(), Type.Null()]),
  verified: Type.Boolean(),
  verificationError: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('rejected'), Type.Literal('accepted'), Type.Literal('processed'), Type.Literal('failed')]),
  processedAt: NullableTimestamp,
  processingError: Type.Union([Type.String(), Type.Null()]),
});
export const WebhookEventPage = Type.Object({ items: Type.Array(WebhookEvent), nextCursor: Type.Union([Cursor, Type.Null()]) });

/** Returned once, when the webhook secret is rotated: paste it into the provider (Facebook's verify token). */
export const WebhookSecretRotated = Type.Object({ webhookSecret: Type.String(), webhookPath: Type.String() });
