import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIpcError } from '../../shared/ipc/errors';
import { METHOD_NAMES } from '../../shared/ipc/methods';
import { createContractValidators } from '../../shared/ipc/validate';
import { generateIpcPayloads } from '../../test-support/reliability/ipc-fuzz';
import { Prng } from '../../test-support/reliability/prng';
import { createNodeHost } from '../node-host';

/**
 * Every IPC channel gets ≥ 1,000 generated malformed payloads through the real dispatcher and handlers of the
 * node host: each is refused with a typed `invalid_payload` error, no handler runs (no internal error, no
 * server started), nothing in the user-data folder changes, and nothing leaks into Object.prototype.
 */
const PER_CHANNEL = 1_000;

function snapshot(dir: string): string {
  return (readdirSync(dir, { recursive: true }) as string[])
    .sort()
    .map((f) => {
      const p = join(dir, f);
      return statSync(p).isFile() ? `${f}:${readFileSync(p).toString('base64')}` : f;
    })
    .join('\n');
}

function describe_(p: unknown): string {
  try {
    return String(JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? p).slice(0, 200);
  } catch {
    return '(unserialisable)';
  }
}

describe('IPC fuzzing', () => {
  it(`refuses ${PER_CHANNEL} malformed payloads per channel with a typed error and no side effect`, { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loctelli-ipc-fuzz-'));
    const internal: string[] = [];
    let serverStarts = 0;
    const host = createNodeHost({
      userDataDir: dir,
      startServer: () => {
        serverStarts++;
        return Promise.reject(new Error('not used'));
      },
      dispatcher: { validateResults: true, onInternalError: (m, e) => internal.push(`${m}: ${String(e)}`) },
    });
    // Let the host write whatever it writes on first use, then freeze the folder.
    await host.dispatch('profiles.list', [], { trusted: true });
    await host.dispatch('settings.get', [], { trusted: true });
    const before = snapshot(dir);
    const validators = createContractValidators();
    const r = new Prng(0x1bc);
    let total = 0;
    for (const m of METHOD_NAMES) {
      const payloads = generateIpcPayloads(m, PER_CHANNEL, r.seed(), validators);
      for (const p of payloads) {
        const res = await host.dispatch(m, p, { trusted: true });
        if (res.ok) expect.fail(`${m} accepted ${describe_(p)}`);
        if (!res.ok) {
          expect(res.error.code, `${m} ${res.error.message}`).toBe('invalid_payload');
          expect(isIpcError(res.error)).toBe(true);
          expect(JSON.stringify(res.error)).not.toMatch(/\bat .+\.(ts|js):\d+/);
        }
        total++;
      }
    }
    expect(total).toBe(METHOD_NAMES.length * PER_CHANNEL);
    expect(internal).toEqual([]);
    expect(serverStarts).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(snapshot(dir)).toBe(before);
    expect(host.core.embedded.state.state).toBe('stopped');
    await host.core.stop();
  });
});
