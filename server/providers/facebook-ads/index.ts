import { ConfigError } from '../../config';
import type { IntegrationHandler } from '../registry';
import { createFacebookAdsHandler } from './handler';

export { createFacebookAdsHandler, FACEBOOK_ADS_TEMPLATE, type FacebookAdsHandlerOptions } from './handler';

/**
 * The handler as the server runs it, configured from the environment:
 *  - FACEBOOK_GRAPH_BASE_URL (default https://graph.facebook.com): Graph's origin, e.g. an egress proxy;
 *  - FACEBOOK_GRAPH_API_VERSION (default DEFAULT_GRAPH_API_VERSION, v27.0): used only when the template has no apiVersion;
 *  - FACEBOOK_GRAPH_TIMEOUT_MS (default 15000): per-request bound.
 */
export function facebookAdsHandlerFromEnv(env: NodeJS.ProcessEnv = process.env): IntegrationHandler {
  const baseUrl = env.FACEBOOK_GRAPH_BASE_URL || undefined;
  if (baseUrl) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new ConfigError(`FACEBOOK_GRAPH_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`FACEBOOK_GRAPH_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
    if (url.search || url.hash) throw new ConfigError('FACEBOOK_GRAPH_BASE_URL must not have a query or fragment');
  }
  const version = env.FACEBOOK_GRAPH_API_VERSION || undefined;
  if (version && !/^v\d+\.\d+$/.test(version)) throw new ConfigError(`FACEBOOK_GRAPH_API_VERSION must look like v27.0, got "${version}"`);
  const rawTimeout = env.FACEBOOK_GRAPH_TIMEOUT_MS;
  let timeoutMs: number | undefined;
  if (rawTimeout) {
    timeoutMs = Number(rawTimeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs < 1_000 || timeoutMs > 300_000) {
      throw new ConfigError(`FACEBOOK_GRAPH_TIMEOUT_MS must be an integer between 1000 and 300000, got "${rawTimeout}"`);
    }
  }
  return createFacebookAdsHandler({ baseUrl, defaultApiVersion: version, timeoutMs });
}
