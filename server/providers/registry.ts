import type { ApiErrorDetail } from '../../shared/api/common';
import type { CredentialHealth, ProviderWarning } from '../../shared/api/integrations';

/**
 * What a test or sync learnt about the integration's credential and the provider's view of our calls; stored on the
 * integration. A handler that reports no credential (static keys) gets a static_key record from the caller.
 */
export interface ProviderHealthReport {
  credential?: CredentialHealth | null;
  warnings?: ProviderWarning[];
}

/** What a connection test found, written for a person; `details` says what was reached. */
export interface ConnectionTestOutcome {
  ok: boolean;
  message: string;
  details: Record<string, unknown>;
  /** The integration status this outcome implies (credentials rejected → disconnected). */
  status: 'active' | 'error' | 'disconnected';
  health?: ProviderHealthReport;
}

export interface HandlerCallContext {
  signal: AbortSignal;
  /** The template's apiVersion (Facebook's Graph version such as "v21.0"), when it has one. */
  apiVersion?: string | null;
}

/** One synced item, upserted by (integration, kind, externalId): re-running a sync never duplicates. */
export interface SyncRecord {
  kind: string;
  externalId: string;
  data: Record<string, unknown>;
}

export interface SyncProgress {
  /** What is being fetched, for a person: "Contacts page 3". */
  step?: string;
  fetched?: number;
  /** Total expected, when the provider says. */
  total?: number;
}

export interface SyncContext extends HandlerCallContext {
  /** When the last successful sync started; null on the first sync. */
  since: Date | null;
  /** Stores a batch durably (upsert). Call it per page so a crash loses at most one page of work. */
  upsert(records: SyncRecord[]): Promise<void>;
  /** Deletes records (e.g. a webhook said a contact was deleted). */
  remove?(kind: string, externalIds: string[]): Promise<void>;
  progress(p: SyncProgress): void;
}

export interface SyncSummary {
  /** Records fetched per kind. */
  fetched: Record<string, number>;
  /** Provider-specific notes: "3 calendars, window 2026-11-01..2026-12-01". */
  notes?: string[];
  health?: ProviderHealthReport;
}

export interface WebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
  /** Parsed query string (Facebook's GET handshake carries hub.* parameters). */
  query: Record<string, string | undefined>;
}

export interface WebhookVerification {
  ok: boolean;
  /** Why verification failed, for the delivery log (never includes secrets). */
  reason?: string;
  /** Provider event id for dedupe, when the payload has one. */
  eventId?: string;
  /** When the provider says the event happened (for the replay window). */
  timestamp?: Date;
  eventType?: string;
  /**
   * How far `timestamp` may be from now before the delivery counts as a replay. Providers that re-send the
   * same signed body for hours on failure (Meta: ~36 h) need a wider window; dedupe by eventId still applies.
   */
  replayWindowMs?: number;
  /** The body as parsed JSON, when verifying it had to parse it (the route does not parse it again). */
  payload?: unknown;
}

/**
 * The seed's IntegrationHandler, one per provider in server/providers/<name>/, registered by template
 * name. `config` always holds decrypted secret values; handlers never persist or log them.
 * Failures are thrown as ProviderError (server/providers/errors.ts).
 */
export interface IntegrationHandler {
  readonly templateName: string;
  /** Provider-specific checks beyond the JSON Schema, reported per field (paths relative to the config, e.g. "/serviceAccountKey"). */
  validateConfig(config: Record<string, unknown>): ApiErrorDetail[];
  testConnection(config: Record<string, unknown>, ctx: HandlerCallContext): Promise<ConnectionTestOutcome>;
  syncData?(config: Record<string, unknown>, ctx: SyncContext): Promise<SyncSummary>;
  /** Checks a webhook delivery's signature; `webhookSecret` is the integration's own secret. */
  verifyWebhook?(req: WebhookRequest, config: Record<string, unknown>, webhookSecret: string): WebhookVerification;
  /** Answers a provider's GET verification handshake (Facebook); returns the body to echo, or null to refuse. */
  webhookHandshake?(query: Record<string, string | undefined>, webhookSecret: string): string | null;
  /** Applies a verified event: updates or removes records. */
  processWebhook?(payload: unknown, config: Record<string, unknown>, ctx: SyncContext): Promise<void>;
}

export class HandlerRegistry {
  private handlers = new Map<string, IntegrationHandler>();

  register(handler: IntegrationHandler): this {
    this.handlers.set(handler.templateName, handler);
    return this;
  }

  get(templateName: string): IntegrationHandler | undefined {
    return this.handlers.get(templateName);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}
