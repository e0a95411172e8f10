/**
 * The field-by-field conflict view's rules. A conflict happens when someone saved the integration after
 * this edit started: we compare the version the edit started from (base, when known), this edit (mine)
 * and the server's current version (theirs), per field.
 */
import { SECRET_PLACEHOLDER } from '../../../../shared/secret-fields';

export type Side = 'mine' | 'theirs';

export interface Editable {
  name: string;
  description: string | null;
  config: Record<string, unknown>;
}

export interface ConflictRow {
  /** `name`, `description` or `config.<field>` */
  key: string;
  label: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
  secret: boolean;
  /** Who changed it since the base: nobody, one side, or both to different values (a real conflict). */
  change: 'none' | 'mine' | 'theirs' | 'same' | 'both';
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function read(e: Editable | null, key: string): unknown {
  if (!e) return undefined;
  if (key === 'name') return e.name;
  if (key === 'description') return e.description ?? null;
  return e.config?.[key.slice('config.'.length)];
}

export function conflictRows(
  base: Editable | null,
  mine: Editable,
  theirs: Editable,
  opts: { secretFields?: string[]; labels?: Record<string, string> } = {},
): ConflictRow[] {
  const secrets = new Set(opts.secretFields ?? []);
  const configKeys = new Set([...Object.keys(base?.config ?? {}), ...Object.keys(mine.config ?? {}), ...Object.keys(theirs.config ?? {})]);
  const keys = ['name', 'description', ...[...configKeys].sort().map((k) => `config.${k}`)];
  return keys.map((key) => {
    const field = key.startsWith('config.') ? key.slice(7) : key;
    const secret = secrets.has(field);
    const b = read(base, key);
    const m = read(mine, key);
    const t = read(theirs, key);
    let change: ConflictRow['change'];
    if (secret) {
      // Secret values never reach the renderer: a typed value is a change of mine; theirs is unknowable
      // except for being set or removed.
      const mineChanged = m !== undefined && m !== SECRET_PLACEHOLDER && m !== '';
      const theirsChanged = base ? (b === undefined) !== (t === undefined) : false;
      change = mineChanged && theirsChanged ? 'both' : mineChanged ? 'mine' : theirsChanged ? 'theirs' : 'none';
    } else if (base) {
      const mineChanged = !same(b, m);
      const theirsChanged = !same(b, t);
      change = mineChanged && theirsChanged ? (same(m, t) ? 'same' : 'both') : mineChanged ? 'mine' : theirsChanged ? 'theirs' : 'none';
    } else {
      // Without the base we only know whether the two sides differ.
      change = same(m, t) ? 'none' : 'both';
    }
    return { key, label: opts.labels?.[field] ?? field, base: b, mine: m, theirs: t, secret, change };
  });
}

/** Default choice per row: take the side that changed; on a real conflict keep mine until the user decides. */
export function defaultChoices(rows: ConflictRow[]): Record<string, Side> {
  const out: Record<string, Side> = {};
  for (const r of rows) out[r.key] = r.change === 'theirs' || r.change === 'none' || r.change === 'same' ? 'theirs' : 'mine';
  return out;
}

/**
 * The resolved edit, to save on top of the server's current version. A secret taken from "theirs" (or not
 * typed by me) is sent as the placeholder so the server keeps what it has.
 */
export function resolve(rows: ConflictRow[], choices: Record<string, Side>, theirs: Editable): Editable {
  const out: Editable = { name: theirs.name, description: theirs.description ?? null, config: {} };
  for (const r of rows) {
    const side = choices[r.key] ?? 'theirs';
    let value = side === 'mine' ? r.mine : r.theirs;
    if (r.secret && (value === undefined || value === '') && side === 'mine' && r.theirs !== undefined && r.change === 'none') value = SECRET_PLACEHOLDER;
    if (r.key === 'name') out.name = String(value ?? '');
    else if (r.key === 'description') out.description = (value as string | null | undefined) ?? null;
    else if (value !== undefined) out.config[r.key.slice(7)] = value;
  }
  return out;
}

export const unresolvedCount = (rows: ConflictRow[]) => rows.filter((r) => r.change === 'both').length;
