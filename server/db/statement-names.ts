import { createHash } from 'node:crypto';

const names = new Map<string, string>();

/**
 * A prepared-statement name for SQL assembled from a fixed set of pieces (a filter present or not; values always
 * parameters), so the number of distinct texts, and of names, stays small. Same text, same name.
 */
export function statementName(prefix: string, text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
}
