import type { ApiErrorDetail } from '../../shared/api/common';

/** What a connection test found, written for a person; `details` says what was reached. */
export interface ConnectionTestOutcome {
  ok: boolean;
  message: string;
  details: Record<string, unknown>;
  /** The integration status this outcome implies (credentials rejected → disconnected). */
  status: 'active' | 'error' | 'disconnected';
}

export interface HandlerCallContext {
  signal: AbortSignal;
}

/**
 * The seed's IntegrationHandler, one per provider in server/providers/<name>/, registered by template
 * name. `config` always holds decrypted secret values; handlers never persist or log them.
 */
export interface IntegrationHandler {
  readonly templateName: string;
  /** Provider-specific checks beyond the JSON Schema, reported per field (paths relative to the config). */
  validateConfig(config: Record<string, unknown>): ApiErrorDetail[];
  testConnection(config: Record<string, unknown>, ctx: HandlerCallContext): Promise<ConnectionTestOutcome>;
}

export class HandlerRegistry {
  private handlers = new Map<string, IntegrationHandler>();

  register(handler: IntegrationHandler): this {
    this.handlers.set(handler.templateName, handler);
    return this;
  }

  get(templateName: string): IntegrationHandler | undefined {
    return this.handlers.get(templateName);
  }

  names(): string[] {
    return [...this.handlers.keys()];
  }
}
