/**
 * The GoHighLevel fake in its own process, for the ingest measurement: a real upstream is another machine, so
 * its JSON serialization must not share the event loop (and, on PGlite, the thread) with the sync being measured.
 * Options (JSON in argv[2]) as startFakeGhl's; prints one JSON line { url } and serves until killed.
 */
import { startFakeGhl, type FakeGhlOptions } from '../server/providers/gohighlevel/fake';

const fake = await startFakeGhl(JSON.parse(process.argv[2]) as FakeGhlOptions);
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
process.on('SIGTERM', () => void fake.close().finally(() => process.exit(0)));
