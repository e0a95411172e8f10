/**
 * Shared pieces of the benchmarks: databases (PostgreSQL and PGlite), statistics, the result table.
 * Every benchmark reports a measured value next to a baseline measured in the same run, and their ratio.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type Database } from '../server/db/connect';

export type DbKind = 'postgres' | 'pglite';

export interface BenchArgs {
  quick: boolean;
  /** Databases to run on (`--db=postgres`, `--db=pglite`; both by default). */
  dbs: DbKind[];
  flags: Set<string>;
}

export function parseArgs(argv: string[]): BenchArgs {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const dbArg = argv.find((a) => a.startsWith('--db='))?.slice(5);
  const dbs = (dbArg ? dbArg.split(',') : ['postgres', 'pglite']) as DbKind[];
  return { quick: flags.has('--quick'), dbs, flags };
}

/** The PostgreSQL server the benchmarks create their databases on. */
export const PG_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A new PostgreSQL database on PG_ADMIN_URL's server; `drop` removes it. */
export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `loctelli_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * A fresh migrated database of the given kind; close() drops it again. PGlite on a temporary data folder, as the
 * console's Local workspace runs it (in memory, Emscripten's files copy themselves as they grow).
 */
export async function openBenchDatabase(kind: DbKind, opts: { poolSize?: number } = {}): Promise<Database> {
  if (kind === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'loctelli-bench-db-'));
    const database = await openDatabase({ dataDir });
    return { ...database, close: async () => { await database.close(); rmSync(dataDir, { recursive: true, force: true }); } };
  }
  const created = await createPgDatabase();
  try {
    const database = await openDatabase({ url: created.url, poolSize: opts.poolSize ?? 10 });
    const close = database.close;
    return { ...database, close: async () => { await close(); await created.drop(); } };
  } catch (err) {
    await created.drop();
    throw err;
  }
}

export const now = () => performance.now();

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / (s.length || 1);
  return { n: s.length, mean, p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

export const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);

export interface ResultRow {
  bench: string;
  db?: DbKind | '-';
  metric: string;
  value: number;
  unit: string;
  baseline?: { label: string; value: number; unit: string };
  /** value / baseline (or as defined by the benchmark), when there is a baseline. */
  ratio?: number;
  goal?: string;
  /** undefined: no goal, just reported. */
  pass?: boolean;
  note?: string;
}

export const results: ResultRow[] = [];

const fmt = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '-' : Math.abs(n) >= 1000 ? Math.round(n).toLocaleString('en-US') : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(3));

export function record(row: ResultRow) {
  results.push(row);
  const base = row.baseline ? `${row.baseline.label} ${fmt(row.baseline.value)} ${row.baseline.unit}` : '-';
  const verdict = row.pass === undefined ? '' : row.pass ? 'PASS' : 'FAIL';
  console.log(
    `[${row.bench}${row.db && row.db !== '-' ? `/${row.db}` : ''}] ${row.metric}: ${fmt(row.value)} ${row.unit} | baseline ${base} | ratio ${fmt(row.ratio)} | goal ${row.goal ?? '-'} ${verdict}${row.note ? ` (${row.note})` : ''}`,
  );
}

export function markdownTable(rows: ResultRow[]): string {
  const lines = [
    '| Benchmark | DB | Metric | Measured | Baseline | Ratio | Goal | Result |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const base = r.baseline ? `${r.baseline.label}: ${fmt(r.baseline.value)} ${r.baseline.unit}` : '-';
    lines.push(
      `| ${r.bench} | ${r.db ?? '-'} | ${r.metric} | ${fmt(r.value)} ${r.unit} | ${base} | ${fmt(r.ratio)} | ${r.goal ?? '-'} | ${r.pass === undefined ? '-' : r.pass ? 'pass' : '**fail**'}${r.note ? ` (${r.note})` : ''} |`,
    );
  }
  return lines.join('\n');
}

export function machine(): string {
  const c = cpus();
  return `${c.length} × ${c[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How steady the machine's CPU is right now: the same small loop timed over and over for `ms`. On a shared virtual
 * machine the host's load can slow every process by half and pause one for tens of milliseconds; absolute latencies
 * measured then are not the code's. Printed before and after each benchmark so a reader can tell such runs apart.
 * `slowdown` is the loop's median over its fastest time (1.0 = steady); `longestMs` the slowest loop (a pause).
 */
export function cpuSteadiness(ms = 1500): { slowdown: number; longestMs: number; text: string } {
  const times: number[] = [];
  const end = performance.now() + ms;
  let sink = 0;
  while (performance.now() < end) {
    const t = performance.now();
    for (let i = 0; i < 200_000; i++) sink = (sink + (i % 7)) | 0; // stays a small integer: a double would slow later calls
    times.push(performance.now() - t);
  }
  if (sink === 1) process.stdout.write(''); // uses the result, so the loop is not optimised away
  times.sort((a, b) => a - b);
  const slowdown = percentile(times, 50) / times[0];
  const longestMs = times[times.length - 1];
  return { slowdown, longestMs, text: `cpu steadiness: slowdown ${slowdown.toFixed(2)} (1.00 = steady), longest pause ${longestMs.toFixed(1)} ms for a ${times[0].toFixed(2)} ms loop` };
}

export interface LoadSpec {
  base: string;
  paths: string[];
  method?: string;
  headers?: Record<string, string>;
  body?: 'facebook-leadgen';
  appSecret?: string;
  pageId?: string;
  idPrefix?: string;
  mode: 'closed' | 'open';
  /** HTTP client: node:http (default) or the lean one (closed mode only; see bench/http1-client.ts). */
  client?: 'node' | 'lean';
  connections: number;
  rate?: number;
  durationMs: number;
  warmupMs?: number;
}

export interface LoadResult {
  sent: number;
  completed: number;
  rps: number;
  statuses: Record<string, number>;
  errors: number;
  latency: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/** Starts bench/<script> (TypeScript, through tsx) in its own Node process, with its stdout piped to us. */
export function spawnBenchScript(script: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(`./${script}`, import.meta.url)), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
}

/** Runs bench/<script> in its own process to its end; resolves to the JSON of the last line it printed. */
export function runBenchScript<T>(script: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawnBenchScript(script, args);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`${script} exited ${code}: ${out}`))));
  });
}

/** Runs bench/loadgen.ts in its own Node process (so it never shares the server's event loop). */
export function loadgen(spec: LoadSpec): Promise<LoadResult> {
  return runBenchScript<LoadResult>('loadgen.ts', [JSON.stringify(spec)]);
}
