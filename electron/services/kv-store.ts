import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomicSync } from './atomic-file';
import { PRIVATE_DIR_MODE } from './private-dir';

/**
 * A small persistent key → JSON value map. The app uses electron-store (same method names); Node
 * (tests, the browser bridge) uses JsonFileStore. Keys must not contain dots (electron-store reads
 * dots as paths).
 */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** One JSON file, rewritten atomically on every change. A corrupt file is set aside, not fatal. */
export class JsonFileStore implements KeyValueStore {
  private data: Record<string, unknown> = {};

  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIR_MODE });
    if (existsSync(path)) {
      try {
        const parsed = JSON.parse(readFileSync(path, 'utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) this.data = parsed;
      } catch {
        renameSync(path, `${path}.corrupt-${Date.now()}`);
      }
    }
  }

  get(key: string): unknown {
    return Object.hasOwn(this.data, key) ? structuredClone(this.data[key]) : undefined;
  }

  set(key: string, value: unknown): void {
    this.assertKey(key);
    this.data[key] = structuredClone(value);
    this.flush();
  }

  delete(key: string): void {
    if (!Object.hasOwn(this.data, key)) return;
    delete this.data[key];
    this.flush();
  }

  private assertKey(key: string) {
    if (!key || key.includes('.') || key === '__proto__') throw new Error(`Invalid store key "${key}"`);
  }

  private flush() {
    writeFileAtomicSync(this.path, JSON.stringify(this.data, null, 2));
  }
}

/** A store that lives in memory only (tests). */
export class MemoryStore implements KeyValueStore {
  private data = new Map<string, unknown>();
  get(key: string) {
    return this.data.has(key) ? structuredClone(this.data.get(key)) : undefined;
  }
  set(key: string, value: unknown) {
    this.data.set(key, structuredClone(value));
  }
  delete(key: string) {
    this.data.delete(key);
  }
}
