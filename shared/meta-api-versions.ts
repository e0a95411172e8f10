/**
 * Meta's Marketing API versions with their release and expiry dates, as Meta's version table lists them
 * (developers.facebook.com/documentation/ads-commerce/marketing-api/marketing-api-changelog/versions, read 2026-12-08).
 * Marketing API versions live about a year, much shorter than the Graph API versions of the same number; a call on an
 * expired one "may fail or be upgraded to the next available version" (Marketing API → Overview → Versioning).
 * `expires: null` is Meta's "TBD". Update this table when Meta publishes a version or an expiry date; the server
 * refuses expired versions and the console warns WARN_BEFORE_EXPIRY_DAYS before a template's version expires.
 */
export interface MarketingApiVersion {
  version: string;
  /** UTC day, YYYY-MM-DD. */
  released: string;
  /** The first UTC day on which the version no longer works; null while Meta says TBD. */
  expires: string | null;
}

export const MARKETING_API_VERSIONS: readonly MarketingApiVersion[] = [
  { version: 'v27.0', released: '2026-11-04', expires: null },
  { version: 'v26.0', released: '2026-07-29', expires: null },
  { version: 'v25.0', released: '2026-02-18', expires: '2027-02-23' },
  { version: 'v24.0', released: '2025-10-08', expires: '2026-11-10' },
  { version: 'v23.0', released: '2025-05-29', expires: '2026-06-09' },
  { version: 'v22.0', released: '2025-01-21', expires: '2026-02-19' },
  { version: 'v21.0', released: '2024-10-02', expires: '2025-09-09' },
  { version: 'v20.0', released: '2024-05-21', expires: '2025-05-06' },
  { version: 'v19.0', released: '2024-01-23', expires: '2025-02-04' },
  { version: 'v18.0', released: '2023-09-12', expires: '2024-08-13' },
];

/** The dashboard lists a template whose version expires within this many days. */
export const WARN_BEFORE_EXPIRY_DAYS = 90;

const DAY_MS = 86_400_000;
const VERSION = /^v(\d+)\.(\d+)$/;

function order(version: string): number | null {
  const m = VERSION.exec(version);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : null;
}

export type VersionState =
  | { state: 'current'; version: string; expires: string | null; daysLeft: number | null }
  | { state: 'expiring'; version: string; expires: string; daysLeft: number }
  | { state: 'expired'; version: string; expires: string | null }
  /** Newer than any version in the table (released after it was last updated): nothing is known against it. */
  | { state: 'unknown'; version: string };

/**
 * What the table says of `version` on `now`. A version older than the oldest listed one expired long ago
 * (each listed version outlived its predecessors).
 */
export function marketingApiVersionState(version: string, now: Date): VersionState {
  const n = order(version);
  const entry = MARKETING_API_VERSIONS.find((v) => v.version === version);
  if (!entry) {
    const oldest = order(MARKETING_API_VERSIONS[MARKETING_API_VERSIONS.length - 1].version)!;
    return n !== null && n < oldest ? { state: 'expired', version, expires: null } : { state: 'unknown', version };
  }
  if (!entry.expires) return { state: 'current', version, expires: null, daysLeft: null };
  const daysLeft = Math.ceil((Date.parse(`${entry.expires}T00:00:00Z`) - now.getTime()) / DAY_MS);
  if (daysLeft <= 0) return { state: 'expired', version, expires: entry.expires };
  if (daysLeft <= WARN_BEFORE_EXPIRY_DAYS) return { state: 'expiring', version, expires: entry.expires, daysLeft };
  return { state: 'current', version, expires: entry.expires, daysLeft };
}

/** The newest version released by `now` (what a template should be on). */
export function latestMarketingApiVersion(now: Date): MarketingApiVersion {
  const day = now.toISOString().slice(0, 10);
  return MARKETING_API_VERSIONS.find((v) => v.released <= day) ?? MARKETING_API_VERSIONS[MARKETING_API_VERSIONS.length - 1];
}

/** Versions a template may move to on `now`: released, not expired, newer than `from` (all usable ones when from is unknown). */
export function upgradeTargets(from: string | null, now: Date): MarketingApiVersion[] {
  const day = now.toISOString().slice(0, 10);
  const floor = from ? (order(from) ?? 0) : 0;
  return MARKETING_API_VERSIONS.filter((v) => v.released <= day && (!v.expires || v.expires > day) && order(v.version)! > floor);
}
