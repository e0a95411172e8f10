/**
 * embedded-start: the console's Local workspace (electron/services/embedded-server.ts → server/start.ts on PGlite)
 * started in a fresh process, as the console does, on an existing data folder [< 1.5 s] and on a fresh one.
 * Baseline: opening PGlite alone (new PGlite(dir) + `select 1`) on the same folder, in a fresh process too.
 * Measurements alternate baseline and subject; medians are reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, record, runBenchScript, type BenchArgs } from './lib';

const child = (mode: 'pglite' | 'embedded', dir: string) => runBenchScript<{ ms: number; health?: number }>('embedded-start-child.ts', [mode, dir]);

export async function run(args: BenchArgs) {
  const rounds = args.quick ? 2 : 5;
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'loctelli-embedded-'));
    dirs.push(d);
    return d;
  };
  try {
    const fresh: number[] = [];
    const freshBase: number[] = [];
    const existing: number[] = [];
    const existingBase: number[] = [];
    const folder = tmp();
    await child('embedded', folder); // creates the data folder (migrated, seeded) used by the "existing" runs
    for (let r = 0; r < rounds; r++) {
      freshBase.push((await child('pglite', tmp())).ms);
      const f = await child('embedded', tmp());
      if (f.health !== 200) throw new Error(`health ${f.health}`);
      fresh.push(f.ms);
      existingBase.push((await child('pglite', folder)).ms);
      existing.push((await child('embedded', folder)).ms);
    }
    const e = median(existing);
    const eb = median(existingBase);
    record({
      bench: 'embedded-start', db: 'pglite', metric: `start on an existing data folder (median of ${rounds}, fresh process)`, value: e, unit: 'ms',
      baseline: { label: 'PGlite open alone', value: eb, unit: 'ms' }, ratio: e / eb, goal: '< 1.5 s', pass: e < 1500,
      note: `runs ${existing.map((x) => Math.round(x)).join(', ')} ms`,
    });
    const f = median(fresh);
    const fb = median(freshBase);
    record({
      bench: 'embedded-start', db: 'pglite', metric: `start on a fresh data folder (median of ${rounds})`, value: f, unit: 'ms',
      baseline: { label: 'PGlite create alone', value: fb, unit: 'ms' }, ratio: f / fb, note: `runs ${fresh.map((x) => Math.round(x)).join(', ')} ms`,
    });
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
