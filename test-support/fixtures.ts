import type { TestServer } from './server';

/** Ids of the seeded built-in templates, by name. */
export async function templateIds(s: TestServer, token: string): Promise<Record<string, number>> {
  const res = await s.call('GET', '/api/integration-templates', { token });
  return Object.fromEntries((res.json() as Array<{ name: string; id: number }>).map((t) => [t.name, t.id]));
}

export async function createSubAccount(s: TestServer, token: string, name: string): Promise<number> {
  const res = await s.call('POST', '/api/subaccounts', { token, body: { name } });
  if (res.statusCode !== 201) throw new Error(`create subaccount: ${res.body}`);
  return res.json().id;
}

/** Creates an admin limited to the given subaccounts and signs them in. */
export async function createAdminSession(s: TestServer, superToken: string, email: string, subAccountIds: number[]) {
  const password = 'admin-password-123';
  const res = await s.call('POST', '/api/admins', { token: superToken, body: { name: email, email, password, subAccountIds } });
  if (res.statusCode !== 201) throw new Error(`create admin: ${res.body}`);
  const pair = await s.login(email, password);
  return { id: res.json().id as number, token: pair.access_token };
}

export const GHL_CONFIG = { apiKey: 'pit-0123456789abcdef', locationId: 'LocAbc12345' };

export async function createGhlIntegration(
  s: TestServer,
  token: string,
  subAccountId: number,
  templateId: number,
  name = 'GHL',
  config: Record<string, unknown> = GHL_CONFIG,
) {
  const res = await s.call('POST', '/api/integrations', { token, body: { subAccountId, integrationTemplateId: templateId, name, config } });
  if (res.statusCode !== 201) throw new Error(`create integration: ${res.body}`);
  return res.json();
}
