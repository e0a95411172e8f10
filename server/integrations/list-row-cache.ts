/**
 * The JSON of the management list's rows this process built last time, per list query, by row version.
 *
 * A row's JSON is a pure function of three tuples: the integration, its template and its subaccount. Its version is
 * those tuples' ids and `xmin`s (the transaction that wrote each tuple version: any insert or update gives a new one,
 * and a transaction's in-between versions are never visible to another reader). The list query returns every page
 * row's version and builds the JSON only of rows whose version is not among those passed in (`knownVersions`), so a
 * repeated view (the console polls, staff switch back and forth between subaccounts) costs the database the page's
 * row lookup, not the JSON of 50 rows × 26 fields, and a sync that changed one integration rebuilds one row. Which
 * rows are on the page is decided by the query every time (filters, access scope, order); only their JSON is reused.
 *
 * Per process and bounded by characters held (least recently used query dropped first); 0 turns it off.
 */
export class ListRowCache {
  private pages = new Map<string, Map<string, string>>();
  private chars = 0;

  constructor(private readonly maxChars: number) {}

  /** The row versions (and their JSON) last seen for this query, marked as recently used. */
  lookup(key: string): Map<string, string> | undefined {
    const rows = this.pages.get(key);
    if (rows) {
      this.pages.delete(key);
      this.pages.set(key, rows);
    }
    return rows;
  }

  /** Keeps these rows as the query's latest answer, replacing the previous one. */
  store(key: string, rows: Map<string, string>) {
    if (this.maxChars <= 0) return;
    this.drop(key);
    const size = sizeOf(key, rows);
    if (size > this.maxChars) return;
    this.pages.set(key, rows);
    this.chars += size;
    for (const [oldest, old] of this.pages) {
      if (this.chars <= this.maxChars) break;
      this.pages.delete(oldest);
      this.chars -= sizeOf(oldest, old);
    }
  }

  /** Characters held (JSON, versions and keys): what the bound is measured in. */
  get size() {
    return this.chars;
  }

  private drop(key: string) {
    const rows = this.pages.get(key);
    if (!rows) return;
    this.pages.delete(key);
    this.chars -= sizeOf(key, rows);
  }
}

function sizeOf(key: string, rows: Map<string, string>): number {
  let n = key.length;
  for (const [version, json] of rows) n += version.length + json.length;
  return n;
}
