import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** JWT_SECRET when set (needed when several API processes share one database), else a local 0600 file. */
export function loadJwtSecret(envValue: string | undefined, dataDir: string): { secret: string; notice?: string } {
  if (envValue) {
    if (envValue.length < 32) throw new Error('JWT_SECRET must be at least 32 characters');
    return { secret: envValue };
  }
  const path = join(dataDir, 'jwt-secret');
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    return { secret: readFileSync(path, 'utf8').trim(), notice: `JWT_SECRET is not set: created ${path} (mode 0600)` };
  }
  return { secret: readFileSync(path, 'utf8').trim() };
}
