import type { TestResult } from '../../shared/api/integrations';
import type { AppContext } from '../context';
import { unprocessable } from '../http/errors';
import { prepareConfig } from './secrets';
import { assertValidConfig } from './validate-config';
import type { ConnectionTestOutcome } from '../providers/registry';

export const CONNECTION_TEST_TIMEOUT_MS = 15_000;

interface TemplateLike {
  id: number;
  name: string;
  displayName: string;
  updatedAt: Date;
  configSchema: Record<string, unknown>;
  apiVersion: string | null;
}

/** Runs a handler's connection test with a bounded time, turning a timeout into a readable failure. */
export async function runConnectionTest(
  ctx: AppContext,
  template: TemplateLike,
  config: Record<string, unknown>,
  timeoutMs = CONNECTION_TEST_TIMEOUT_MS,
): Promise<TestResult & Pick<ConnectionTestOutcome, 'status' | 'health'>> {
  const handler = ctx.handlers.get(template.name);
  if (!handler) {
    throw unprocessable(`No connection handler is installed for the "${template.displayName}" template (${template.name}); it can be stored but not tested or synced`);
  }
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let outcome: ConnectionTestOutcome;
  try {
    outcome = await handler.testConnection(config, { signal: controller.signal, apiVersion: template.apiVersion });
  } catch (err) {
    outcome = controller.signal.aborted
      ? { ok: false, status: 'error', message: `${template.displayName} did not answer within ${Math.round(timeoutMs / 1000)} s`, details: { timeout: true } }
      : { ok: false, status: 'error', message: `The connection test failed: ${(err as Error).message}`, details: {} };
  } finally {
    clearTimeout(timer);
  }
  return { ...outcome, latencyMs: Date.now() - started, checkedAt: new Date().toISOString() };
}

/** Step 3 of the wizard: tests a config that has not been saved. */
export async function testUnsavedConfig(ctx: AppContext, template: TemplateLike, incoming: Record<string, unknown>): Promise<TestResult> {
  const { effective } = prepareConfig(ctx.keyring, template.configSchema, incoming);
  assertValidConfig(template, effective, ctx.handlers.get(template.name));
  const { status: _status, health: _health, ...result } = await runConnectionTest(ctx, template, effective);
  return result;
}
