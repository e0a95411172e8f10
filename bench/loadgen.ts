/**
 * HTTP load generator, run as its own process so it never shares an event loop with the server it measures.
 * Spec (JSON in argv[2]):
 *   { base, paths: string[] (cycled), method?, headers?, body?: 'facebook-leadgen' (a fresh signed leadgen per request),
 *     appSecret?, pageId?, idPrefix?, mode: 'closed' | 'open', connections, rate? (open: req/s), durationMs, warmupMs? }
 * closed: `connections` loops each send → await → send (max throughput). open: requests start on a fixed schedule at
 * `rate`, latency counted from the scheduled start (no coordinated omission).
 * client: 'node' (node:http, the default) or 'lean' (closed mode only: one Http1Connection per loop, see
 * http1-client.ts; for latencies, where node:http's own cost showed in the percentiles).
 * Prints one JSON line: { sent, completed, rps, statuses, errors, latency: {p50, p90, p99, max, mean} (ms) }.
 */
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import type { LoadSpec } from './lib';
import { Http1Connection } from './http1-client';


const spec = JSON.parse(process.argv[2]) as LoadSpec;
const url = new URL(spec.base);
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections, maxFreeSockets: spec.connections });
let counter = 0;

function makeRequest(): { path: string; headers: Record<string, string>; body?: string } {
  const path = spec.paths[counter % spec.paths.length];
  counter++;
  if (spec.body !== 'facebook-leadgen') return { path, headers: spec.headers ?? {} };
  const time = Math.floor(Date.now() / 1000);
  const leadgenId = `${spec.idPrefix ?? ''}${process.pid}${counter}`.replace(/\D/g, '').slice(-18);
  const body = JSON.stringify({ object: 'page', entry: [{ id: spec.pageId, time, changes: [{ field: 'leadgen', value: { leadgen_id: leadgenId, page_id: spec.pageId, form_id: '444555666', created_time: time } }] }] });
  const signature = `sha256=${createHmac('sha256', spec.appSecret!).update(body).digest('hex')}`;
  return { path, body, headers: { ...(spec.headers ?? {}), 'content-type': 'application/json', 'x-hub-signature-256': signature, 'content-length': String(Buffer.byteLength(body)) } };
}

function send(): Promise<number> {
  const r = makeRequest();
  return new Promise((resolve) => {
    const req = http.request({ agent, hostname: url.hostname, port: url.port, path: r.path, method: spec.method ?? 'GET', headers: r.headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(-1));
    });
    req.on('error', () => resolve(-1));
    req.end(r.body);
  });
}

const lean = spec.client === 'lean';
if (lean && spec.mode !== 'closed') throw new Error("the lean client runs in closed mode only (one request at a time per connection)");
/** Request line and headers per path, built once (the lean client's requests without a body are all alike). */
const heads = new Map<string, string>();
const headOf = (path: string, headers: Record<string, string>) =>
  `${spec.method ?? 'GET'} ${path} HTTP/1.1${Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'content-length').map(([k, v]) => `\r\n${k}: ${v}`).join('')}`;

function sendLean(connection: Http1Connection): Promise<number> {
  const r = makeRequest();
  let head = r.body ? undefined : heads.get(r.path);
  if (!head) {
    head = headOf(r.path, r.headers);
    if (!r.body) heads.set(r.path, head);
  }
  return connection.request(head, r.body === undefined ? undefined : Buffer.from(r.body)).then((x) => x.status, () => -1);
}

const latencies: number[] = [];
const statuses: Record<string, number> = {};
let sent = 0;
let measuring = false;

async function one(scheduledAt: number, connection?: Http1Connection) {
  sent++;
  const status = await (connection ? sendLean(connection) : send());
  if (!measuring) return;
  latencies.push(performance.now() - scheduledAt);
  statuses[status] = (statuses[status] ?? 0) + 1;
}

async function main() {
  const warmupMs = spec.warmupMs ?? 500;
  const start = performance.now();
  const measureFrom = start + warmupMs;
  const end = measureFrom + spec.durationMs;
  setTimeout(() => (measuring = true), warmupMs);
  const inflight = new Set<Promise<void>>();
  if (spec.mode === 'closed') {
    await Promise.all(
      Array.from({ length: spec.connections }, async () => {
        const connection = lean ? new Http1Connection(url.hostname, Number(url.port)) : undefined;
        while (performance.now() < end) await one(performance.now(), connection);
        connection?.close();
      }),
    );
  } else {
    const rate = spec.rate!;
    let scheduled = 0;
    while (performance.now() < end) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      while (scheduled < due) {
        const at = start + (scheduled / rate) * 1000;
        scheduled++;
        const p = one(at).finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inflight);
  }
  const elapsed = (Math.min(performance.now(), end + 5000) - measureFrom) / 1000;
  const s = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
  const errors = Object.entries(statuses).filter(([k]) => !k.startsWith('2')).reduce((a, [, v]) => a + v, 0);
  process.stdout.write(
    JSON.stringify({
      sent,
      completed: s.length,
      rps: spec.mode === 'closed' ? s.length / (spec.durationMs / 1000) : s.length / elapsed,
      statuses,
      errors,
      latency: { p50: pct(50), p90: pct(90), p99: pct(99), max: s[s.length - 1], mean: s.reduce((a, b) => a + b, 0) / (s.length || 1) },
    }) + '\n',
  );
  agent.destroy();
}

await main();
