import type { ApiErrorDetail } from '../../../shared/api/common';
import { ProviderError } from '../errors';

/** A FacebookAds config after normalisation: the ad account id is always the bare number. */
export interface FacebookAdsConfig {
  accessToken: string;
  /** Digits only; the Graph node is `act_<adAccountId>`. */
  adAccountId: string;
  pageId?: string;
  appSecret?: string;
}

const AD_ACCOUNT_ID = /^(?:act_)?([0-9]{1,20})$/;
const NUMERIC_ID = /^[0-9]{1,20}$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Checks beyond the template's JSON Schema, aimed at the mistakes people make when copying values out
 * of Meta's dashboards (paths relative to the config, as the registry expects).
 */
export function validateFacebookAdsConfig(config: Record<string, unknown>): ApiErrorDetail[] {
  const details: ApiErrorDetail[] = [];
  const token = str(config.accessToken);
  if (!token) details.push({ path: '/accessToken', message: 'is required' });
  else if (/^(bearer|oauth)\s/i.test(token)) details.push({ path: '/accessToken', message: 'must be the token alone, without the "Bearer" prefix' });
  else if (/\s/.test(token)) details.push({ path: '/accessToken', message: 'must not contain spaces or line breaks (was it copied with surrounding text?)' });

  const account = str(config.adAccountId);
  const match = account ? AD_ACCOUNT_ID.exec(account) : null;
  if (!account) details.push({ path: '/adAccountId', message: 'is required' });
  else if (!match) details.push({ path: '/adAccountId', message: 'must be the ad account number, optionally prefixed with "act_" (e.g. act_1234567890)' });
  else if (/^0+$/.test(match[1])) details.push({ path: '/adAccountId', message: 'must not be 0' });

  const pageId = config.pageId;
  if (pageId !== undefined && pageId !== '' && !(typeof pageId === 'string' && NUMERIC_ID.test(pageId))) {
    details.push({ path: '/pageId', message: 'must be the numeric Page ID' });
  }
  if (match && typeof pageId === 'string' && pageId === match[1]) {
    details.push({ path: '/pageId', message: 'is the same number as the ad account; the Page ID is a different id (Page → About → Page transparency)' });
  }

  const appSecret = config.appSecret;
  if (appSecret !== undefined && appSecret !== '') {
    if (typeof appSecret !== 'string' || /\s/.test(appSecret)) details.push({ path: '/appSecret', message: 'must not contain spaces' });
    // The App ID sits next to the secret in App settings → Basic and is all digits; a secret never is.
    else if (/^[0-9]+$/.test(appSecret)) details.push({ path: '/appSecret', message: 'looks like the App ID; use the App Secret (App settings → Basic → App secret → Show)' });
  }
  return details;
}

/** Normalises a stored config for use; a config that slipped past validation is a config error. */
export function parseFacebookAdsConfig(config: Record<string, unknown>): FacebookAdsConfig {
  const details = validateFacebookAdsConfig(config);
  if (details.length) {
    throw new ProviderError({
      origin: 'config',
      type: 'invalid_config',
      retryable: false,
      message: `The Facebook Ads config is invalid: ${details.map((d) => `${d.path.slice(1)} ${d.message}`).join('; ')}`,
    });
  }
  const match = AD_ACCOUNT_ID.exec(config.adAccountId as string)!;
  return {
    accessToken: config.accessToken as string,
    adAccountId: match[1],
    pageId: str(config.pageId),
    appSecret: str(config.appSecret),
  };
}
