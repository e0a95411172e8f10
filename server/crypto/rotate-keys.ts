import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/connect';
import { integrations } from '../db/schema';
import type { Keyring } from './keyring';
import { open, seal, SecretKeyError } from './secret-box';
import { configAad, WEBHOOK_SECRET_AAD } from '../integrations/secrets';

export interface RotationReport {
  rotatedIntegrations: number;
  rotatedValues: number;
}

/**
 * Re-encrypts every stored secret still sealed with a non-primary key. Rows are rewritten one
 * transaction each (row-locked, so concurrent API writes are never lost) and only rows that still need
 * it are touched: running it again, or after a crash, simply continues. A value whose key is missing
 * or wrong stops the run with an error naming the key id; nothing is overwritten in that case.
 */
export async function rotateKeys(db: Db, keyring: Keyring, opts: { batchSize?: number; onProgress?: (r: RotationReport) => void } = {}): Promise<RotationReport> {
  const primary = keyring.primary.id;
  const needsRotation = sql`(exists (select 1 from jsonb_each_text(${integrations.secrets}) e where split_part(e.value, '.', 2) <> ${primary})
    or (${integrations.webhookSecret} is not null and split_part(${integrations.webhookSecret}, '.', 2) <> ${primary}))`;
  const report: RotationReport = { rotatedIntegrations: 0, rotatedValues: 0 };
  let afterId = 0;
  for (;;) {
    const batch = await db
      .select({ id: integrations.id })
      .from(integrations)
      .where(and(gt(integrations.id, afterId), needsRotation))
      .orderBy(asc(integrations.id))
      .limit(opts.batchSize ?? 100);
    if (batch.length === 0) return report;
    for (const { id } of batch) {
      afterId = id;
      await db.transaction(async (tx) => {
        const [row] = await tx.select().from(integrations).where(eq(integrations.id, id)).for('update');
        if (!row) return;
        let changed = 0;
        const reseal = (envelope: string, aad: string, what: string) => {
          if (envelope.split('.')[1] === primary) return envelope;
          try {
            const plain = open(keyring, envelope, aad);
            changed++;
            return seal(keyring, plain, aad);
          } catch (err) {
            if (err instanceof SecretKeyError) throw new SecretKeyError(`Integration ${id} ${what}: ${err.message}`, err.keyId);
            throw err;
          }
        };
        const secrets = Object.fromEntries(Object.entries(row.secrets).map(([f, env]) => [f, reseal(env, configAad(f), `config field "${f}"`)]));
        const webhookSecret = row.webhookSecret ? reseal(row.webhookSecret, WEBHOOK_SECRET_AAD, 'webhook secret') : null;
        if (changed === 0) return;
        await tx.update(integrations).set({ secrets, webhookSecret }).where(eq(integrations.id, id));
        report.rotatedIntegrations++;
        report.rotatedValues += changed;
      });
      opts.onProgress?.(report);
    }
  }
}
