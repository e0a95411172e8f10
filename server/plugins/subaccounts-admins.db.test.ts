import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGhlIntegration, createSubAccount, templateIds } from '../../test-support/fixtures';
import { createTestServer, SUPER, type TestServer } from '../../test-support/server';

let s: TestServer;
let token: string;
beforeAll(async () => {
  s = await createTestServer();
  token = (await s.login()).access_token;
});
afterAll(() => s.close());

describe('subaccounts', () => {
  it('has the seeded Default SubAccount', async () => {
    const list = (await s.call('GET', '/api/subaccounts', { token })).json();
    expect(list.map((x: { name: string }) => x.name)).toContain('Default SubAccount');
  });

  it('creates, renames and deletes (refusing when integrations exist unless forced)', async () => {
    const id = await createSubAccount(s, token, 'Bright Smiles');
    const renamed = await s.call('PUT', `/api/subaccounts/${id}`, { token, body: { name: 'Bright Smiles Ltd', description: 'Dental' } });
    expect(renamed.json()).toMatchObject({ id, name: 'Bright Smiles Ltd', description: 'Dental' });
    expect((await s.call('PUT', `/api/subaccounts/${id}`, { token, body: {} })).statusCode).toBe(400);
    expect((await s.call('PUT', '/api/subaccounts/99999', { token, body: { name: 'x' } })).statusCode).toBe(404);

    const tpl = await templateIds(s, token);
    await createGhlIntegration(s, token, id, tpl.GoHighLevel);
    const refused = await s.call('DELETE', `/api/subaccounts/${id}`, { token });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toMatch(/has 1 integration/);
    expect((await s.call('DELETE', `/api/subaccounts/${id}?force=true`, { token })).statusCode).toBe(204);
    const [{ n }] = await s.database.query<{ n: number }>('select count(*)::int as n from integrations where sub_account_id = $1', [id]);
    expect(n).toBe(0);
  });

  it('validates names', async () => {
    const res = await s.call('POST', '/api/subaccounts', { token, body: { name: '' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details[0].path).toBe('/body/name');
  });
});

describe('admins', () => {
  it('creates an admin limited to subaccounts; the admin cannot manage admins or subaccounts', async () => {
    const a = await createSubAccount(s, token, 'A Co');
    const res = await s.call('POST', '/api/admins', {
      token,
      body: { name: 'Alice', email: 'Alice@Loctelli.test', password: 'alice-password-1', subAccountIds: [a] },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ email: 'alice@loctelli.test', role: 'admin', isActive: true, subAccountIds: [a], lastLoginAt: null });
    expect(JSON.stringify(res.json())).not.toMatch(/password/i);

    const alice = await s.login('alice@loctelli.test', 'alice-password-1');
    expect((await s.call('GET', '/api/admins', { token: alice.access_token })).statusCode).toBe(403);
    expect((await s.call('POST', '/api/subaccounts', { token: alice.access_token, body: { name: 'x' } })).statusCode).toBe(403);
    const visible = (await s.call('GET', '/api/subaccounts', { token: alice.access_token })).json();
    expect(visible.map((x: { id: number }) => x.id)).toEqual([a]);

    const list = (await s.call('GET', '/api/admins', { token })).json();
    expect(list.find((x: { email: string }) => x.email === 'alice@loctelli.test').lastLoginAt).not.toBeNull();
  });

  it('rejects duplicate e-mails, unknown subaccounts, short passwords', async () => {
    const dup = await s.call('POST', '/api/admins', { token, body: { name: 'x', email: SUPER.email, password: 'long-enough-pass' } });
    expect(dup.statusCode).toBe(409);
    const unknown = await s.call('POST', '/api/admins', { token, body: { name: 'x', email: 'u@loctelli.test', password: 'long-enough-pass', subAccountIds: [424242] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().details).toEqual([{ path: '/body/subAccountIds/0', message: 'subaccount 424242 does not exist' }]);
    const short = await s.call('POST', '/api/admins', { token, body: { name: 'x', email: 'v@loctelli.test', password: 'short' } });
    expect(short.json().details[0].path).toBe('/body/password');
  });

  it('changes access and password (which ends old sessions), never removing the last super_admin', async () => {
    const b = await createSubAccount(s, token, 'B Co');
    const created = (await s.call('POST', '/api/admins', { token, body: { name: 'Bob', email: 'bob@loctelli.test', password: 'bob-password-12' } })).json();
    const bob = await s.login('bob@loctelli.test', 'bob-password-12');
    const updated = await s.call('PUT', `/api/admins/${created.id}`, { token, body: { subAccountIds: [b], password: 'bob-new-password-1' } });
    expect(updated.json().subAccountIds).toEqual([b]);
    expect((await s.call('POST', '/api/auth/refresh', { body: { refresh_token: bob.refresh_token } })).statusCode).toBe(401);
    await s.login('bob@loctelli.test', 'bob-new-password-1');

    const me = (await s.call('GET', '/api/auth/me', { token })).json();
    const demote = await s.call('PUT', `/api/admins/${me.id}`, { token, body: { role: 'admin' } });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().message).toMatch(/last active super_admin/);
    expect((await s.call('PUT', '/api/admins/99999', { token, body: { name: 'x' } })).statusCode).toBe(404);
  });
});
