import { ProviderError } from '../errors';
import { dataApiError } from './data-api-errors';
import { httpRequest, parseJsonObject } from './http';
import type { ServiceAccountKey } from './service-account';
import type { ServiceAccountTokens } from './token';

export interface DataApiClientOptions {
  baseUrl: string;
  timeoutMs: number;
  tokens: ServiceAccountTokens;
  clock: () => number;
}

/** The subset of properties/{id}/metadata we read. */
export interface PropertyMetadata {
  name?: string;
  dimensions: unknown[];
  metrics: unknown[];
}

/** Calls to the GA4 Data API (v1beta) as one service account; every failure is a classified ProviderError. */
export class AnalyticsDataClient {
  private readonly baseUrl: string;

  constructor(private readonly opts: DataApiClientOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }

  async getMetadata(key: ServiceAccountKey, propertyId: string, signal?: AbortSignal): Promise<PropertyMetadata> {
    const json = await this.call('GET', `/v1beta/properties/${encodeURIComponent(propertyId)}/metadata`, undefined, key, propertyId, signal);
    return {
      name: typeof json.name === 'string' ? json.name : undefined,
      dimensions: Array.isArray(json.dimensions) ? json.dimensions : [],
      metrics: Array.isArray(json.metrics) ? json.metrics : [],
    };
  }

  /** Runs one report page; the caller interprets rows (see daily-metrics.ts). */
  runReport(key: ServiceAccountKey, propertyId: string, request: object, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.call('POST', `/v1beta/properties/${encodeURIComponent(propertyId)}:runReport`, request, key, propertyId, signal);
  }

  private async call(
    method: 'GET' | 'POST',
    path: string,
    body: object | undefined,
    key: ServiceAccountKey,
    propertyId: string,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>> {
    // A 401 with a token we believed valid means it was revoked or expired early: get a new one, once.
    for (let attempt = 0; ; attempt++) {
      const token = await this.opts.tokens.get(key, signal);
      const res = await httpRequest(
        `${this.baseUrl}${path}`,
        {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        },
        { timeoutMs: this.opts.timeoutMs, signal, service: 'Google Analytics' },
      );
      if (res.status === 401 && attempt === 0) {
        this.opts.tokens.invalidate(key, token);
        continue;
      }
      if (res.status < 200 || res.status > 299) {
        throw dataApiError(res, { clientEmail: key.clientEmail, propertyId, now: this.opts.clock() });
      }
      const json = parseJsonObject(res.text);
      if (!json) {
        throw new ProviderError({
          origin: 'provider',
          type: 'bad_response',
          message: `Google Analytics answered ${res.status} with a body that is not valid JSON (${res.text.length} bytes)`,
          retryable: true,
          httpStatus: res.status,
        });
      }
      return json;
    }
  }
}
