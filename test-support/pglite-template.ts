/**
 * Vitest globalSetup: builds one migrated PGlite database and dumps it to a file, so each test file
 * loads a copy (~0.9 s) instead of creating and migrating its own (~5 s).
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../server/db/connect';

export default async function setup() {
  const database = await openDatabase({});
  const blob = await database.pglite!.dumpDataDir('none');
  const path = join(tmpdir(), `loctelli-pglite-template-${process.pid}.tar`);
  writeFileSync(path, Buffer.from(await blob.arrayBuffer()));
  await database.close();
  process.env.PGLITE_TEMPLATE_DUMP = path;
}
