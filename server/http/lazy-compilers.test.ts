import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { Integration } from '../../shared/api/integrations';
import { lazySerializerFactory, nullableAsTypeArrays } from './lazy-compilers';

describe('response serializer', () => {
  it('writes nullable fields as type lists (no per-value validator) and nothing else changes', () => {
    const schema = nullableAsTypeArrays(Integration) as unknown as { properties: Record<string, { type?: unknown; format?: string; anyOf?: unknown }> };
    expect(schema.properties.description).toEqual({ type: ['string', 'null'] });
    expect(schema.properties.lastSyncAt).toMatchObject({ type: ['string', 'null'], format: 'date-time' });
    expect(schema.properties.syncIntervalMinutes).toEqual({ type: ['integer', 'null'] });
    expect(schema.properties.name).toEqual({ type: 'string' });
    expect(schema.properties.template).toMatchObject({ type: 'object', properties: { name: { type: 'string' } } });
    // Not a nullable scalar: left as it was.
    const union = { anyOf: [{ type: 'string' }, { type: 'integer' }] };
    expect(nullableAsTypeArrays(union)).toEqual(union);
    expect(nullableAsTypeArrays({ anyOf: [{ type: 'object', properties: {} }, { type: 'null' }] })).toEqual({ anyOf: [{ type: 'object', properties: {} }, { type: 'null' }] });
  });

  it('serializes dates, nulls and values as JSON.stringify would, dropping fields outside the schema', async () => {
    const app = Fastify({ schemaController: { compilersFactory: { buildSerializer: lazySerializerFactory() as never } } });
    const at = new Date('2026-11-25T10:11:12.345Z');
    const dto = (over: Record<string, unknown>) => ({
      id: 1, subAccountId: 2, subAccountName: 'Acme', integrationTemplateId: 3, template: { name: 'GoHighLevel', displayName: 'GoHighLevel CRM', category: 'CRM' },
      name: 'Acme GHL', description: null, isActive: true, config: { locationId: 'Loc1' }, secretFieldsSet: ['apiKey'], status: 'active',
      lastSyncAt: at, errorMessage: null, hasWebhookSecret: false, webhookPath: '/api/webhooks/1', webhookAllowedCidrs: [], syncIntervalMinutes: null,
      effectiveSyncIntervalMinutes: 60, nextSyncAt: null, consecutiveFailures: 0, syncPausedReason: null, credentialHealth: null, warnings: [], version: 1, createdAt: at, updatedAt: at, createdByAdminId: 1,
      secrets: 'sealed-must-not-appear',
      ...over,
    });
    app.get('/x', { schema: { response: { 200: { type: 'array', items: Integration } } } }, async () => [dto({}), dto({ description: 'd', errorMessage: 'boom', syncIntervalMinutes: 0, nextSyncAt: at, lastSyncAt: null })]);
    const body = (await app.inject('/x')).json();
    const expected = (over: Record<string, unknown>) => {
      const { secrets: _, ...rest } = dto(over);
      return JSON.parse(JSON.stringify(rest));
    };
    expect(body).toEqual([expected({}), expected({ description: 'd', errorMessage: 'boom', syncIntervalMinutes: 0, nextSyncAt: at, lastSyncAt: null })]);
    expect(body[0].lastSyncAt).toBe('2026-11-25T10:11:12.345Z');
    expect(JSON.stringify(body)).not.toContain('sealed-must-not-appear');
    await app.close();
  });
});
