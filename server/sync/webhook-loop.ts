import type { Logger } from 'pino';
import type { AppContext } from '../context';
import { errorSummary } from '../db/errors';
import { processNextWebhookEvents } from './webhook-jobs';

export interface WebhookLoopOptions {
  /** Events claimed and applied per pass. */
  batch: number;
  /** With nothing to do, look again after this long (events stored by another process); a wake() is at once. */
  pollMs: number;
  /** After a failed pass (the database is away), wait this long, doubling up to 16×. */
  retryMs: number;
}

const DEFAULTS: WebhookLoopOptions = { batch: 100, pollMs: 500, retryMs: 1_000 };

/**
 * Applies stored webhook events in a worker: takes the oldest claimable ones a batch at a time until none is
 * left, then waits for a wake() (an event stored by this process) or the poll interval (by another one).
 */
export class WebhookEventLoop {
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private woken = false;
  private done: Promise<void> | null = null;
  private readonly opts: WebhookLoopOptions;

  constructor(
    private readonly ctx: AppContext,
    private readonly log: Logger,
    opts: Partial<WebhookLoopOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
  }

  start() {
    this.done ??= this.run();
  }

  /** New events were stored: look now rather than at the next poll. */
  wake() {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop() {
    this.stopped = true;
    this.wakeUp?.();
    await this.done;
  }

  private async run() {
    let failures = 0;
    while (!this.stopped) {
      this.woken = false;
      let claimed = 0;
      try {
        claimed = await processNextWebhookEvents(this.ctx, this.opts.batch, this.log);
        failures = 0;
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 10 === 0) this.log.warn({ error: errorSummary(err), failures }, 'webhook events not processed; trying again');
        await this.sleep(this.opts.retryMs * 2 ** Math.min(failures - 1, 4), false);
        continue;
      }
      // A full batch: there may be more right behind it.
      if (claimed < this.opts.batch) await this.sleep(this.opts.pollMs, true);
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped || (wakeable && this.woken)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      // While backing off from a failure only stop() ends the wait (a wake() would hammer a database that is away).
      this.wakeUp = wakeable ? done : () => (this.stopped ? done() : undefined);
    }).finally(() => (this.wakeUp = null));
  }
}
