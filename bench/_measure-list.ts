import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHost } from '../electron/node-host';
import { createLogger } from '../server/logging';
import { startServer, type RunningServer } from '../server/start';
import { seed } from './renderer';

const userData = mkdtempSync(join(tmpdir(), 'm-'));
let running: RunningServer | undefined;
const validate = process.env.V !== '0';
const host = createNodeHost({ userDataDir: userData, logger: createLogger({ level: 'warn' }), startServer: async (c, o) => (running = await startServer(c, o)), dispatcher: { validateResults: validate } });
if (process.env.NOCACHE) { const C = (await import("../electron/services/offline-cache")).OfflineCache.prototype as any; C.putItems = async () => {}; C.put = async () => {}; }
host.core.start();
await host.core.embedded.start();
await seed(running!);
const limit = Number(process.env.L ?? 200);
async function all() {
  let cursor: string | undefined; let n = 0; let calls = 0;
  const t0 = performance.now(); let first = 0;
  for (;;) {
    const res: any = await host.dispatch('integrations.list', [{ limit, ...(cursor ? { cursor } : {}) }], { trusted: true } as any);
    if (!res.ok) throw new Error(JSON.stringify(res));
    calls++; n += res.value.data.items.length; if (calls === 1) first = performance.now() - t0;
    cursor = res.value.data.nextCursor ?? undefined; if (!cursor) break;
  }
  return { ms: Math.round(performance.now() - t0), first: Math.round(first), n, calls };
}
for (let i = 0; i < 4; i++) console.log(await all());
await host.core.stop();
process.exit(0);
