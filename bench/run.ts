/**
 * Benchmark dispatcher: `npm run bench` runs every benchmark, `npm run bench -- <name> [--quick] [--db=postgres|pglite]`
 * one (or several, comma-separated). Each prints measured value, baseline measured in the same run, ratio, goal and
 * pass/fail; the table at the end is Markdown for bench/RESULTS.md.
 */
import { cpuSteadiness, machine, markdownTable, parseArgs, results } from './lib';

const benches: Record<string, () => Promise<{ run(args: ReturnType<typeof parseArgs>): Promise<void> }>> = {
  'ghl-sync': () => import('./ghl-sync'),
  webhooks: () => import('./webhooks'),
  list: () => import('./list'),
  renderer: () => import('./renderer'),
  'embedded-start': () => import('./embedded-start'),
  'bulk-sync': () => import('./bulk-sync'),
};

const argv = process.argv.slice(2);
const names = argv.filter((a) => !a.startsWith('--')).flatMap((a) => a.split(','));
const selected = names.length ? names : Object.keys(benches);
const unknown = selected.filter((n) => !benches[n]);
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
const args = parseArgs(argv);
console.log(`machine: ${machine()}${args.quick ? ' (quick)' : ''}`);
let failed = false;
for (const name of selected) {
  console.log(`\n== ${name}\n  before: ${cpuSteadiness().text}`);
  try {
    await (await benches[name]()).run(args);
  } catch (err) {
    failed = true;
    console.error(`${name} failed:`, err);
  }
  console.log(`  after: ${cpuSteadiness().text}`);
}
console.log(`\n${markdownTable(results)}`);
process.exit(failed ? 1 : 0);
