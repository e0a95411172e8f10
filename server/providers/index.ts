import { facebookAdsHandlerFromEnv } from './facebook-ads';
import { goHighLevelHandlerFromEnv } from './gohighlevel';
import { googleAnalyticsHandlerFromEnv } from './google-analytics';
import { HandlerRegistry } from './registry';

/** The provider handlers this server ships with, by template name; base URLs come from the environment. */
export function builtInHandlers(env: NodeJS.ProcessEnv = process.env): HandlerRegistry {
  return new HandlerRegistry()
    .register(goHighLevelHandlerFromEnv(env))
    .register(facebookAdsHandlerFromEnv(env))
    .register(googleAnalyticsHandlerFromEnv(env));
}
