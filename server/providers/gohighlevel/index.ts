import { createGoHighLevelHandler, type GoHighLevelHandlerOptions } from './handler';

export { createGoHighLevelHandler, GHL_TEMPLATE_NAME, type GoHighLevelHandlerOptions } from './handler';
export { GHL_DEFAULT_BASE_URL } from './client';

/**
 * The handler as configured by the environment:
 * - GHL_API_BASE_URL (default https://services.leadconnectorhq.com)
 * - GHL_TIMEOUT_MS (default 15000)
 * - GHL_WEBHOOK_PUBLIC_KEY / GHL_WEBHOOK_LEGACY_PUBLIC_KEY: PEMs overriding GoHighLevel's published webhook keys.
 */
export function goHighLevelHandlerFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const timeoutMs = Number(env.GHL_TIMEOUT_MS);
  const opts: GoHighLevelHandlerOptions = {
    baseUrl: env.GHL_API_BASE_URL?.trim() || undefined,
    timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : undefined,
    webhookPublicKey: env.GHL_WEBHOOK_PUBLIC_KEY || undefined,
    webhookLegacyPublicKey: env.GHL_WEBHOOK_LEGACY_PUBLIC_KEY || undefined,
  };
  return createGoHighLevelHandler(opts);
}
