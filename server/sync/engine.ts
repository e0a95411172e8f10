import { EventEmitter } from 'node:events';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { AppContext } from '../context';
import { errorSummary, isDatabaseUnavailable, isForeignKeyViolation, whileDatabaseUnavailable } from '../db/errors';
import { integrationTemplates, integrations, syncRuns, type SyncErrorInfo } from '../db/schema';
import { revealConfig } from '../integrations/secrets';
import { nextHealth } from '../integrations/credential-health';
import { ProviderError } from '../providers/errors';
import type { ProviderHealthReport, SyncProgress } from '../providers/registry';
import { retryDelayMs } from './backoff';
import { QUEUES } from './job-queue';
import { addCounts, removeRecords, upsertRecords, type UpsertCounts } from './records';
import { processWebhookEvents } from './webhook-jobs';
import { WebhookEventLoop } from './webhook-loop';

export interface SyncEngineOptions {
  /** Attempts per run before it is failed (retryable failures only). */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A running run whose heartbeat is older than this is considered abandoned (its worker died). */
  staleAfterMs: number;
  heartbeatMs: number;
  /** Consecutive failed runs after which scheduled syncs pause. */
  pauseAfterFailures: number;
  schedulerIntervalMs: number;
  /** Sync runs processed at once by this worker. */
  concurrency: number;
  /** A single attempt is aborted after this long. */
  attemptTimeoutMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncEngineOptions = {
  maxAttempts: 4,
  retryBaseMs: 30_000,
  retryMaxMs: 30 * 60_000,
  staleAfterMs: 90_000,
  heartbeatMs: 5_000,
  pauseAfterFailures: 5,
  schedulerIntervalMs: 30_000,
  concurrency: 2,
  attemptTimeoutMs: 60 * 60_000,
};

export type SyncTrigger = 'manual' | 'schedule' | 'webhook';
type RunRow = typeof syncRuns.$inferSelect;

/**
 * Sync runs: requested by the API (one active run per integration), delivered by pg-boss, processed by
 * workers. The sync_runs table is the record of truth: a job is only a nudge to look at a run, so a job
 * delivered twice, or a worker dying mid-run, never duplicates work (records are upserted).
 */
export class SyncEngine {
  readonly events = new EventEmitter();
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  private stopped = false;
  private ready: Promise<void> | null = null;
  private webhookLoop: WebhookEventLoop | null = null;
  readonly options: SyncEngineOptions;

  constructor(
    private ctx: AppContext,
    readonly queue: PgBoss,
    private log: Logger,
    options: Partial<SyncEngineOptions> = {},
  ) {
    this.options = { ...DEFAULT_SYNC_OPTIONS, ...options };
    this.events.setMaxListeners(100);
  }

  /**
   * Starts pg-boss; with `worker`, also processes jobs and runs the scheduler in this process. With
   * `background`, returns at once (the console's Local workspace answers its first screens meanwhile); work
   * that needs the queue waits for it, and a failure to start is logged and answered by those calls.
   */
  async start(opts: { worker: boolean; background?: boolean }) {
    this.queue.on('error', (err) => this.log.error({ err }, 'job queue error'));
    this.ready = this.startQueue(opts.worker);
    if (!opts.background) return this.ready;
    this.ready.catch((err) => this.log.error({ err }, 'the job queue did not start: syncs and webhook processing wait for a restart'));
  }

  private async startQueue(worker: boolean) {
    await this.queue.start();
    for (const name of Object.values(QUEUES)) await this.queue.createQueue(name, { name, retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: Math.ceil(this.options.attemptTimeoutMs / 1000) + 60 });
    if (!worker || this.stopped) return;
    for (let i = 0; i < this.options.concurrency; i++) {
      await this.queue.work<{ runId: number }>(QUEUES.sync, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => this.track(this.processRun(job.data.runId)));
    }
    // Jobs queued by earlier versions (one per stored event or batch); the loop below takes new events itself.
    await this.queue.work<{ eventIds?: number[]; eventId?: number }>(QUEUES.webhook, { batchSize: 20, pollingIntervalSeconds: 5 }, async (jobs) =>
      this.track(processWebhookEvents(this.ctx, jobs.flatMap((j) => j.data.eventIds ?? (j.data.eventId !== undefined ? [j.data.eventId] : [])), this.log)),
    );
    this.webhookLoop = new WebhookEventLoop(this.ctx, this.log);
    this.webhookLoop.start();
    const tick = () => {
      if (this.stopped) return;
      this.track(this.schedulerTick().catch((err) => this.log.error({ err }, 'scheduler tick failed')));
    };
    this.timers.push(setInterval(tick, this.options.schedulerIntervalMs));
    tick();
  }

  /** Resolves once the queue is up; rejects with why it could not start. */
  private whenReady(): Promise<void> {
    return this.ready ?? Promise.reject(new Error('The sync engine was not started'));
  }

  async stop() {
    this.stopped = true;
    // Stopping during a background start: let it finish first, so pg-boss is not stopped half started.
    await this.ready?.catch(() => {});
    for (const t of this.timers) clearInterval(t);
    await this.webhookLoop?.stop();
    await this.queue.stop({ graceful: true, wait: true, timeout: 10_000 }).catch(() => {});
    await Promise.allSettled([...this.running]);
  }

  /**
   * Stored webhook events are waiting (called after their commit, not awaited by the delivery): the worker of
   * this process looks at once. A worker in another process finds them at its next poll.
   */
  webhookEventsStored() {
    this.webhookLoop?.wake();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    p.finally(() => this.running.delete(p)).catch(() => {});
    return p;
  }

  /** Queues a sync, or returns the integration's queued/running one. */
  async requestSync(integrationId: number, trigger: SyncTrigger, adminId: number | null = null): Promise<{ run: RunRow; created: boolean }> {
    const { db } = this.ctx;
    const inserted = await db
      .insert(syncRuns)
      .values({ integrationId, trigger, requestedByAdminId: adminId })
      .onConflictDoNothing({ target: syncRuns.integrationId, where: sql`status in ('queued', 'running')` })
      .returning();
    if (inserted.length) {
      await this.enqueue(inserted[0].id);
      this.events.emit('run', inserted[0]);
      return { run: inserted[0], created: true };
    }
    const [active] = await db
      .select()
      .from(syncRuns)
      .where(and(eq(syncRuns.integrationId, integrationId), inArray(syncRuns.status, ['queued', 'running'])));
    if (!active) return this.requestSync(integrationId, trigger, adminId);
    return { run: active, created: false };
  }

  /**
   * Nudges a run's job. Subaccounts take turns: a job's priority is minus the number of other runs its
   * subaccount already has waiting or running, so a bulk "Sync now" of 100 integrations in one subaccount
   * does not hold up the first sync of every other subaccount (pg-boss takes the highest priority first).
   */
  private async enqueue(runId: number, startAfter?: Date) {
    await this.whenReady();
    const [{ ahead }] = await this.ctx.database.query<{ ahead: number }>(
      `select count(*)::int as ahead from sync_runs r join integrations i on i.id = r.integration_id
       where i.sub_account_id = (select i2.sub_account_id from sync_runs r2 join integrations i2 on i2.id = r2.integration_id where r2.id = $1)
         and r.status in ('queued', 'running') and r.id <> $1`,
      [runId],
    );
    await this.queue.send(QUEUES.sync, { runId }, { priority: -Math.min(ahead, 10_000), ...(startAfter ? { startAfter } : {}) });
  }

  /** Claims and executes one attempt of a run; anything else (already done, owned by a live worker) is skipped. */
  async processRun(runId: number): Promise<void> {
    const { db, keyring, handlers } = this.ctx;
    const stale = `${Math.ceil(this.options.staleAfterMs / 1000)} seconds`;
    const [run] = await db
      .update(syncRuns)
      .set({ status: 'running', startedAt: sql`coalesce(${syncRuns.startedAt}, now())`, heartbeatAt: sql`now()`, attempts: sql`${syncRuns.attempts} + 1`, nextAttemptAt: null })
      .where(
        and(
          eq(syncRuns.id, runId),
          sql`(${syncRuns.status} = 'queued' or (${syncRuns.status} = 'running' and ${syncRuns.heartbeatAt} < now() - ${stale}::interval))`,
        ),
      )
      .returning();
    if (!run) return;
    this.events.emit('run', run);
    const [row] = await db
      .select({ integration: integrations, template: integrationTemplates })
      .from(integrations)
      .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
      .where(eq(integrations.id, run.integrationId));
    if (!row) return;
    const handler = handlers.get(row.template.name);
    if (!handler?.syncData) {
      await this.finish(run, row.integration, { counts: {}, notes: [] }, { origin: 'config', type: 'no_handler', message: `No sync handler is installed for the "${row.template.displayName}" template`, retryable: false });
      return;
    }

    const counts: Record<string, UpsertCounts & { deleted?: number }> = { ...(run.counts as Record<string, UpsertCounts>) };
    let progress: SyncProgress = {};
    let lastBeat = Date.now();
    const beat = async (force = false) => {
      if (!force && Date.now() - lastBeat < this.options.heartbeatMs) return;
      lastBeat = Date.now();
      const [updated] = await db.update(syncRuns).set({ heartbeatAt: sql`now()`, progress, counts }).where(eq(syncRuns.id, run.id)).returning();
      if (updated) this.events.emit('run', updated);
    };
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), this.options.attemptTimeoutMs);
    const [lastSuccess] = await db
      .select({ startedAt: syncRuns.startedAt })
      .from(syncRuns)
      .where(and(eq(syncRuns.integrationId, run.integrationId), eq(syncRuns.status, 'succeeded')))
      .orderBy(desc(syncRuns.startedAt))
      .limit(1);
    try {
      const config = revealConfig(keyring, row.integration.config, row.integration.secrets);
      const summary = await handler.syncData(config, {
        signal: controller.signal,
        apiVersion: row.template.apiVersion,
        since: lastSuccess?.startedAt ?? null,
        upsert: async (records) => {
          addCounts(counts, await upsertRecords(db, run.integrationId, run.id, records));
          await beat();
        },
        remove: async (kind, ids) => {
          const n = await removeRecords(db, run.integrationId, kind, ids);
          const c = (counts[kind] ??= { fetched: 0, created: 0, updated: 0 });
          c.deleted = (c.deleted ?? 0) + n;
        },
        progress: (p) => {
          progress = { ...progress, ...p };
          void beat().catch(() => {});
        },
      });
      await this.finish(run, row.integration, { counts, notes: summary.notes ?? [], progress, health: summary.health }, null);
    } catch (err) {
      const info = classify(err, controller.signal.aborted, this.options.attemptTimeoutMs);
      const attempts = run.attempts;
      if (info.retryable && attempts < this.options.maxAttempts && !this.stopped) {
        const hint = err instanceof ProviderError ? err.retryAfterMs : undefined;
        const delay = retryDelayMs(attempts, hint, { baseMs: this.options.retryBaseMs, maxMs: this.options.retryMaxMs });
        const nextAttemptAt = new Date(Date.now() + delay);
        // The failure may be the database itself going away: recording it is retried briefly. If the database
        // stays away, the run keeps its stale heartbeat and the scheduler resumes it once the database is back.
        const [requeued] = await whileDatabaseUnavailable(() =>
          db.update(syncRuns).set({ status: 'queued', nextAttemptAt, error: info, counts, progress, heartbeatAt: null }).where(eq(syncRuns.id, run.id)).returning(),
        );
        this.events.emit('run', requeued);
        this.log.warn({ runId: run.id, integrationId: run.integrationId, attempt: attempts, delayMs: delay, errorType: info.type }, 'sync attempt failed; retrying');
        await whileDatabaseUnavailable(() => this.enqueue(run.id, nextAttemptAt));
      } else {
        await whileDatabaseUnavailable(() => this.finish(run, row.integration, { counts, notes: [], progress }, info, err instanceof ProviderError && err.disconnected));
      }
    } finally {
      clearTimeout(timeout);
    }
  }

  private async finish(
    run: RunRow,
    integration: typeof integrations.$inferSelect,
    result: { counts: RunRow['counts']; notes: string[]; progress?: SyncProgress; health?: ProviderHealthReport },
    error: SyncErrorInfo | null,
    disconnected = false,
  ) {
    const { db } = this.ctx;
    const stored = Object.values(result.counts).some((c) => c.created + c.updated > 0);
    const status = error ? (stored ? 'partial' : 'failed') : 'succeeded';
    const interval = await this.intervalMinutes(integration.id);
    const nextSyncAt = interval ? sql`now() + ${`${interval} minutes`}::interval` : null;
    await db.transaction(async (tx) => {
      const [done] = await tx
        .update(syncRuns)
        .set({ status, finishedAt: sql`now()`, counts: result.counts, notes: result.notes, error, heartbeatAt: null, ...(result.progress ? { progress: result.progress } : {}) })
        .where(eq(syncRuns.id, run.id))
        .returning();
      if (!error) {
        await tx
          .update(integrations)
          .set({ lastSyncAt: sql`now()`, errorMessage: null, status: 'active', consecutiveFailures: 0, syncPausedReason: null, nextSyncAt, ...nextHealth(integration, result.health, 'ok', new Date()) })
          .where(eq(integrations.id, integration.id));
      } else {
        const failures = integration.consecutiveFailures + 1;
        const pause = failures >= this.options.pauseAfterFailures && !integration.syncPausedReason;
        await tx
          .update(integrations)
          .set({
            status: disconnected ? 'disconnected' : 'error',
            errorMessage: error.message,
            ...(disconnected ? nextHealth(integration, undefined, 'disconnected', new Date()) : {}),
            consecutiveFailures: failures,
            nextSyncAt,
            ...(pause ? { syncPausedReason: `Scheduled syncs paused after ${failures} failed syncs in a row (last: ${error.message}). A successful manual sync or connection test resumes them.` } : {}),
          })
          .where(eq(integrations.id, integration.id));
      }
      this.events.emit('run', done);
    });
  }

  private async intervalMinutes(integrationId: number): Promise<number | null> {
    const [r] = await this.ctx.db
      .select({ own: integrations.syncIntervalMinutes, template: integrationTemplates.defaultSyncIntervalMinutes })
      .from(integrations)
      .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
      .where(eq(integrations.id, integrationId));
    const minutes = r?.own ?? r?.template ?? null;
    return minutes && minutes > 0 ? minutes : null;
  }

  /** Queues scheduled syncs that are due, and re-nudges runs whose job or worker was lost. */
  async schedulerTick(): Promise<{ scheduled: number; resumed: number }> {
    const { db, handlers } = this.ctx;
    const due = await db
      .select({ id: integrations.id, templateName: integrationTemplates.name })
      .from(integrations)
      .innerJoin(integrationTemplates, eq(integrationTemplates.id, integrations.integrationTemplateId))
      .where(
        sql`${integrations.isActive} and ${integrations.status} <> 'disconnected' and ${integrations.syncPausedReason} is null
          and coalesce(${integrations.syncIntervalMinutes}, ${integrationTemplates.defaultSyncIntervalMinutes}, 0) > 0
          and (${integrations.nextSyncAt} is null or ${integrations.nextSyncAt} <= now())
          and not exists (select 1 from ${syncRuns} r where r.integration_id = ${integrations.id} and r.status in ('queued', 'running'))`,
      )
      .orderBy(sql`${integrations.nextSyncAt} nulls first`)
      .limit(200);
    let scheduled = 0;
    for (const d of due) {
      if (!handlers.get(d.templateName)?.syncData) continue;
      const minutes = (await this.intervalMinutes(d.id)) ?? 60;
      await db.update(integrations).set({ nextSyncAt: sql`now() + ${`${minutes} minutes`}::interval` }).where(eq(integrations.id, d.id));
      try {
        if ((await this.requestSync(d.id, 'schedule')).created) scheduled++;
      } catch (err) {
        // Deleted since the due list was read: nothing to sync, and no reason to hold up the rest of the list.
        if (!isForeignKeyViolation(err)) throw err;
      }
    }
    const stale = `${Math.ceil(this.options.staleAfterMs / 1000)} seconds`;
    const orphans = await db
      .select({ id: syncRuns.id })
      .from(syncRuns)
      .where(
        sql`(${syncRuns.status} = 'running' and ${syncRuns.heartbeatAt} < now() - ${stale}::interval)
          or (${syncRuns.status} = 'queued' and coalesce(${syncRuns.nextAttemptAt}, ${syncRuns.queuedAt}) < now() - ${stale}::interval)`,
      )
      .limit(200);
    for (const o of orphans) await this.enqueue(o.id);
    return { scheduled, resumed: orphans.length };
  }
}

function classify(err: unknown, aborted: boolean, timeoutMs: number): SyncErrorInfo {
  if (err instanceof ProviderError) return { origin: err.origin, type: err.type, message: err.message, retryable: err.retryable };
  if (aborted) return { origin: 'network', type: 'timeout', message: `The sync did not finish within ${Math.round(timeoutMs / 60000)} minutes`, retryable: true };
  // Lost database connection (PostgreSQL restarting): the run can be retried once it is back.
  if (isDatabaseUnavailable(err)) return { origin: 'internal', type: 'database_unavailable', message: 'The database connection was lost during the sync', retryable: true };
  return { origin: 'internal', type: 'internal_error', message: `Internal error during the sync: ${errorSummary(err)}`.slice(0, 500), retryable: false };
}
