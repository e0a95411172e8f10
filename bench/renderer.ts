/**
 * renderer: the built renderer bundle (out/renderer, from `npm run build`): total and gzip size of its JS and CSS.
 * Not yet measured here (see bench/RESULTS.md): time to first render of the integrations table with 10,000 rows and
 * frame time while scrolling, in Chromium against `npm run dev:browser` with a seeded Local workspace.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { record, type BenchArgs } from './lib';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

export async function run(_args: BenchArgs) {
  const dir = 'out/renderer';
  let all: string[];
  try {
    all = files(dir).filter((f) => /\.(js|css|html)$/.test(f));
  } catch {
    throw new Error('out/renderer is missing: run `npm run build` first');
  }
  let raw = 0;
  let gz = 0;
  for (const f of all) {
    const b = readFileSync(f);
    raw += b.length;
    gz += gzipSync(b, { level: 9 }).length;
  }
  record({ bench: 'renderer', db: '-', metric: `bundle (${all.length} JS/CSS/HTML files in ${dir})`, value: gz / 1024, unit: 'KiB gzip', note: `${(raw / 1024).toFixed(0)} KiB raw` });
  console.log('  renderer: first render and scroll frame time with 10,000 rows are not measured yet (see bench/RESULTS.md)');
}
