import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhlIntegration, createSubAccount, templateIds } from '../test-support/fixtures';
import { createTestServer, SUPER, type TestServer } from '../test-support/server';

let s: TestServer;
let token: string;
beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
});
afterAll(() => s.close());

describe('audit log', () => {
  it('records create, update, activate, deactivate and delete of integrations and templates with actor and subaccount', async () => {
    const sub = await createSubAccount(s, token, 'Audited');
    const tpl = await templateIds(s, token);
    const i = await createGhlIntegration(s, token, sub, tpl.GoHighLevel, 'Watched');
    await s.call('PUT', `/api/integrations/${i.id}`, { token, body: { version: 1, name: 'Watched 2' } });
    await s.call('POST', `/api/integrations/${i.id}/activate`, { token });
    await s.call('POST', `/api/integrations/${i.id}/deactivate`, { token });
    await s.call('DELETE', `/api/integrations/${i.id}`, { token });
    const t = (await s.call('POST', '/api/integration-templates', { token, body: { name: 'Zap', displayName: 'Zap', category: 'Automation', configSchema: { type: 'object' } } })).json();
    await s.call('PUT', `/api/integration-templates/${t.id}`, { token, body: { isActive: false } });
    await s.call('PUT', `/api/integration-templates/${t.id}`, { token, body: { isActive: true } });
    await s.call('PUT', `/api/integration-templates/${t.id}`, { token, body: { description: 'x' } });
    await s.call('DELETE', `/api/integration-templates/${t.id}`, { token });

    const forIntegration = (await s.call('GET', `/api/audit-log?entity=integration&entityId=${i.id}`, { token })).json();
    expect(forIntegration.items.map((e: { action: string }) => e.action)).toEqual(['delete', 'deactivate', 'activate', 'update', 'create']);
    for (const e of forIntegration.items) expect(e).toMatchObject({ actorEmail: SUPER.email, subAccountId: sub, entity: 'integration' });
    expect(forIntegration.items[3].diff).toEqual({ name: { from: 'Watched', to: 'Watched 2' } });

    const forTemplate = (await s.call('GET', `/api/audit-log?entity=template&entityId=${t.id}`, { token })).json();
    expect(forTemplate.items.map((e: { action: string }) => e.action)).toEqual(['delete', 'update', 'activate', 'deactivate', 'create']);

    const bySub = (await s.call('GET', `/api/audit-log?subAccountId=${sub}&limit=2`, { token })).json();
    expect(bySub.items).toHaveLength(2);
    const rest = (await s.call('GET', `/api/audit-log?subAccountId=${sub}&limit=50&cursor=${bySub.nextCursor}`, { token })).json();
    // The subaccount's own creation plus the five integration events.
    expect(rest.items.length).toBe(4);
    expect(rest.nextCursor).toBeNull();
  });
});
