import { latestMarketingApiVersion, marketingApiVersionState } from '../../../shared/meta-api-versions';
import { ProviderError } from '../errors';

/** Where a person fixes a template's version: named in every version message. */
const HOW_TO_MOVE = 'a super_admin can move the Facebook Advertising template to it (console: Dashboard → Needs attention → Move to; API: POST /api/integration-templates/:id/api-version)';

/**
 * Refuses to call a Marketing API version that Meta's version table (shared/meta-api-versions.ts) lists as expired:
 * Meta would either fail the call or silently run it on a version nobody chose.
 */
export function assertUsableApiVersion(version: string, now: Date): void {
  const s = marketingApiVersionState(version, now);
  if (s.state !== 'expired') return;
  const latest = latestMarketingApiVersion(now).version;
  throw new ProviderError({
    origin: 'config',
    type: 'api_version_expired',
    retryable: false,
    message: `Facebook's Marketing API ${version} expired${s.expires ? ` on ${s.expires}` : ''}, so it is no longer called. The current version is ${latest}; ${HOW_TO_MOVE}.`,
  });
}

/** Meta's error 2635: the version is deprecated for this endpoint (not auto-upgraded because the endpoint changed). */
export function deprecatedVersionError(version: string, metaMessage: string, httpStatus: number, now = new Date()): ProviderError {
  const latest = latestMarketingApiVersion(now).version;
  return new ProviderError({
    origin: 'config',
    type: 'api_version_deprecated',
    retryable: false,
    httpStatus,
    message: `Facebook refused Marketing API ${version} as deprecated ${metaMessage}. Move to ${latest}: ${HOW_TO_MOVE}.`,
  });
}

/** The X-Ad-Api-Version-Warning header's text, as a warning a person can act on. */
export function versionWarningMessage(version: string, header: string, now = new Date()): string {
  const latest = latestMarketingApiVersion(now).version;
  return `Facebook ran calls made on Marketing API ${version} on a newer version instead ("${header.slice(0, 300)}"). Move to ${latest} so the version is one you chose: ${HOW_TO_MOVE}.`;
}
