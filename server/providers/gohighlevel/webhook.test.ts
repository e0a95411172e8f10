import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { WebhookRequest } from '../registry';
import { createWebhookSigner, FAKE_LOCATION_ID, memorySyncContext } from './fake';
import { createGoHighLevelHandler } from './handler';

const signer = createWebhookSigner();
const handler = createGoHighLevelHandler({ webhookPublicKey: signer.publicKeyPem, webhookLegacyPublicKey: signer.legacyPublicKeyPem });
const config = { apiKey: 'pit-unused-for-webhooks', locationId: FAKE_LOCATION_ID };

const contactEvent = (type: string, extra: Record<string, unknown> = {}) => ({
  type,
  locationId: FAKE_LOCATION_ID,
  id: 'CntRosanDeo000000001',
  firstName: 'Rosan',
  lastName: 'Deo',
  email: 'rosan@deos.com',
  phone: '+15125550199',
  tags: ['new patient'],
  dateAdded: '2026-11-14T09:30:00.000Z',
  webhookId: 'wh_6f1c2a',
  timestamp: '2026-11-14T09:30:01.000Z',
  ...extra,
});

function delivery(body: string, headers: Record<string, string | undefined>): WebhookRequest {
  return { rawBody: Buffer.from(body, 'utf8'), headers, query: {} };
}

describe('GoHighLevel webhooks: signature', () => {
  const body = JSON.stringify(contactEvent('ContactCreate'));

  it('accepts a valid X-GHL-Signature (Ed25519) and reports id, type and time', () => {
    const result = handler.verifyWebhook!(delivery(body, { 'x-ghl-signature': signer.signEd25519(body) }), config, 'secret');
    expect(result).toEqual({ ok: true, eventId: 'wh_6f1c2a', eventType: 'ContactCreate', timestamp: new Date('2026-11-14T09:30:01.000Z'), payload: JSON.parse(body) });
  });

  it('rejects a signature over different bytes', () => {
    const tampered = body.replace('Rosan', 'Mallory');
    const result = handler.verifyWebhook!(delivery(tampered, { 'x-ghl-signature': signer.signEd25519(body) }), config, 'secret');
    expect(result).toEqual({ ok: false, reason: 'x-ghl-signature does not match the body (Ed25519)' });
  });

  it('accepts the legacy X-WH-Signature (RSA-SHA256) when it is the only one', () => {
    const result = handler.verifyWebhook!(delivery(body, { 'X-WH-Signature': signer.signRsa(body) }), config, 'secret');
    expect(result).toMatchObject({ ok: true, eventId: 'wh_6f1c2a', eventType: 'ContactCreate' });
  });

  it('prefers X-GHL-Signature: a bad one is not rescued by a valid legacy signature', () => {
    const otherKey = generateKeyPairSync('ed25519').privateKey;
    const headers = { 'x-ghl-signature': sign(null, Buffer.from(body), otherKey).toString('base64'), 'x-wh-signature': signer.signRsa(body) };
    expect(handler.verifyWebhook!(delivery(body, headers), config, 'secret')).toMatchObject({ ok: false });
  });

  it('rejects a delivery without a signature header (or with "N/A")', () => {
    const reason = 'missing signature header (x-ghl-signature or x-wh-signature)';
    expect(handler.verifyWebhook!(delivery(body, {}), config, 'secret')).toEqual({ ok: false, reason });
    expect(handler.verifyWebhook!(delivery(body, { 'x-ghl-signature': 'N/A' }), config, 'secret')).toEqual({ ok: false, reason });
  });

  it('never throws on garbage', () => {
    const cases: Array<[string, Record<string, string | undefined>]> = [
      [body, { 'x-ghl-signature': '%%%not-base64%%%' }],
      [body, { 'x-ghl-signature': Buffer.from('short').toString('base64') }],
      [body, { 'x-wh-signature': 'AAAA' }],
      ['', { 'x-ghl-signature': signer.signEd25519('') }],
      ['not json', { 'x-ghl-signature': signer.signEd25519('not json') }],
      ['[1,2]', { 'x-ghl-signature': signer.signEd25519('[1,2]') }],
    ];
    for (const [raw, headers] of cases) {
      const result = handler.verifyWebhook!(delivery(raw, headers), config, 'secret');
      expect(result.ok).toBe(false);
      expect(result.reason).toEqual(expect.any(String));
    }
  });

  it('rejects a validly signed event of another location (GoHighLevel signs every customer\'s events with one key)', () => {
    const foreign = JSON.stringify(contactEvent('ContactCreate', { locationId: 'LocSomeoneElse0001' }));
    const result = handler.verifyWebhook!(delivery(foreign, { 'x-ghl-signature': signer.signEd25519(foreign) }), config, 'secret');
    expect(result).toEqual({ ok: false, reason: 'event is for location LocSomeoneElse0001, not the configured one' });
  });

  it('without webhookId, dedupes on the body hash (the contact id would merge distinct updates)', () => {
    const { webhookId: _drop, ...rest } = contactEvent('ContactUpdate');
    const raw = JSON.stringify(rest);
    const result = handler.verifyWebhook!(delivery(raw, { 'x-ghl-signature': signer.signEd25519(raw) }), config, 'secret');
    expect(result).toMatchObject({ ok: true, eventId: `sha256:${createHash('sha256').update(raw).digest('hex')}` });
  });

  it('explains a misconfigured public key instead of throwing', () => {
    const rsaAsEd = createGoHighLevelHandler({ webhookPublicKey: signer.legacyPublicKeyPem });
    expect(rsaAsEd.verifyWebhook!(delivery(body, { 'x-ghl-signature': signer.signEd25519(body) }), config, 's')).toEqual({
      ok: false,
      reason: 'GHL_WEBHOOK_PUBLIC_KEY is a rsa key, not ed25519',
    });
    const junk = createGoHighLevelHandler({ webhookPublicKey: 'not a key' });
    expect(junk.verifyWebhook!(delivery(body, { 'x-ghl-signature': signer.signEd25519(body) }), config, 's')).toEqual({
      ok: false,
      reason: 'GHL_WEBHOOK_PUBLIC_KEY is not a valid ed25519 public key (PEM)',
    });
  });

  it('accepts a PEM pasted into an env var with literal \\n', () => {
    const flattened = signer.publicKeyPem.trim().replace(/\n/g, '\\n');
    const h = createGoHighLevelHandler({ webhookPublicKey: flattened });
    expect(h.verifyWebhook!(delivery(body, { 'x-ghl-signature': signer.signEd25519(body) }), config, 's').ok).toBe(true);
  });

  it('defaults to GoHighLevel\'s published keys, which load and reject signatures from other keys', () => {
    const defaults = createGoHighLevelHandler();
    expect(defaults.verifyWebhook!(delivery(body, { 'x-ghl-signature': signer.signEd25519(body) }), config, 's')).toEqual({
      ok: false,
      reason: 'x-ghl-signature does not match the body (Ed25519)',
    });
    expect(defaults.verifyWebhook!(delivery(body, { 'x-wh-signature': signer.signRsa(body) }), config, 's')).toEqual({
      ok: false,
      reason: 'x-wh-signature does not match the body (RSA-SHA256)',
    });
  });
});

describe('GoHighLevel webhooks: processing', () => {
  it('ContactCreate and ContactUpdate upsert the contact; ContactDelete removes it', async () => {
    const mem = memorySyncContext();
    await handler.processWebhook!(contactEvent('ContactCreate'), config, mem.ctx);
    expect(mem.ofKind('contact')).toEqual([
      {
        kind: 'contact',
        externalId: 'CntRosanDeo000000001',
        data: {
          locationId: FAKE_LOCATION_ID,
          id: 'CntRosanDeo000000001',
          firstName: 'Rosan',
          lastName: 'Deo',
          email: 'rosan@deos.com',
          phone: '+15125550199',
          tags: ['new patient'],
          dateAdded: '2026-11-14T09:30:00.000Z',
        },
      },
    ]);

    await handler.processWebhook!(contactEvent('ContactUpdate', { email: 'rosan.deo@deos.com', webhookId: 'wh_2' }), config, mem.ctx);
    expect(mem.ofKind('contact')).toHaveLength(1);
    expect(mem.ofKind('contact')[0].data.email).toBe('rosan.deo@deos.com');

    await handler.processWebhook!({ type: 'ContactDelete', locationId: FAKE_LOCATION_ID, id: 'CntRosanDeo000000001' }, config, mem.ctx);
    expect(mem.removed).toEqual([{ kind: 'contact', externalId: 'CntRosanDeo000000001' }]);
    expect(mem.ofKind('contact')).toHaveLength(0);
  });

  it('accepts the contact wrapped in `data`', async () => {
    const mem = memorySyncContext();
    await handler.processWebhook!({ type: 'ContactCreate', webhookId: 'w', data: { id: 'CntWrapped0000000001', locationId: FAKE_LOCATION_ID, firstName: 'Ana' } }, config, mem.ctx);
    expect(mem.ofKind('contact')).toEqual([
      { kind: 'contact', externalId: 'CntWrapped0000000001', data: { id: 'CntWrapped0000000001', locationId: FAKE_LOCATION_ID, firstName: 'Ana' } },
    ]);
  });

  it('ignores other event types, events of other locations and payloads without a contact id', async () => {
    const mem = memorySyncContext();
    await handler.processWebhook!({ type: 'OpportunityCreate', locationId: FAKE_LOCATION_ID, id: 'Opp1' }, config, mem.ctx);
    await handler.processWebhook!(contactEvent('ContactCreate', { locationId: 'LocSomeoneElse0001' }), config, mem.ctx);
    await handler.processWebhook!({ type: 'ContactDelete', locationId: FAKE_LOCATION_ID }, config, mem.ctx);
    await handler.processWebhook!('garbage', config, mem.ctx);
    expect(mem.batches).toEqual([]);
    expect(mem.removed).toEqual([]);
  });
});
