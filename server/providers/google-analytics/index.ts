import type { IntegrationHandler } from '../registry';
import { createGoogleAnalyticsHandler, DEFAULT_DATA_BASE_URL, DEFAULT_TOKEN_URL } from './handler';

export { createGoogleAnalyticsHandler, type GoogleAnalyticsHandlerOptions, TEMPLATE_NAME } from './handler';

/** Environment variables that point the handler at Google (or at a stand-in in tests and air-gapped setups). */
export const GOOGLE_ANALYTICS_ENV = {
  dataBaseUrl: 'GOOGLE_ANALYTICS_DATA_BASE_URL',
  tokenUrl: 'GOOGLE_OAUTH_TOKEN_URL',
} as const;

/** The handler as the server registers it: base URLs from the environment, Google's own by default. */
export function googleAnalyticsHandlerFromEnv(env: NodeJS.ProcessEnv = process.env): IntegrationHandler {
  try {
    return createGoogleAnalyticsHandler({
      dataBaseUrl: env[GOOGLE_ANALYTICS_ENV.dataBaseUrl] || DEFAULT_DATA_BASE_URL,
      tokenUrl: env[GOOGLE_ANALYTICS_ENV.tokenUrl] || DEFAULT_TOKEN_URL,
    });
  } catch (err) {
    // Name the variables, so whoever deploys knows what to fix.
    throw new Error(`${(err as Error).message} (check ${GOOGLE_ANALYTICS_ENV.dataBaseUrl} and ${GOOGLE_ANALYTICS_ENV.tokenUrl})`);
  }
}
