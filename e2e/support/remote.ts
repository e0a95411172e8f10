/**
 * Arranging data on the remote team server through its HTTP API as its super_admin (what an operator
 * would do with curl), and the console steps to add, use and leave a remote profile.
 */
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import { REMOTE_ADMIN } from './constants';
import { goTo, mainNav } from './console';

export class RemoteApi {
  private token: string | null = null;
  readonly base = `${inject('remoteUrl')}/api`;

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.token) {
      const login = await fetch(`${this.base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(REMOTE_ADMIN) });
      if (!login.ok) throw new Error(`remote login: ${login.status} ${await login.text()}`);
      this.token = ((await login.json()) as { access_token: string }).access_token;
    }
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  async subaccount(name: string): Promise<number> {
    return (await this.call<{ id: number }>('POST', '/subaccounts', { name })).id;
  }

  async templateId(name: string): Promise<number> {
    const list = await this.call<{ id: number; name: string }[]>('GET', '/integration-templates');
    return list.find((t) => t.name === name)!.id;
  }
}

/** Settings → "Add a remote server", then Switch to it: the console shows its sign-in screen. */
export async function addRemoteProfileAndSwitch(page: Page, name: string, baseUrl: string) {
  await goTo(page, 'Settings');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Server URL').fill(baseUrl);
  await page.getByRole('button', { name: 'Add profile' }).click();
  const item = page.locator('.profile-item').filter({ has: page.getByText(name, { exact: true }) });
  await item.getByRole('button', { name: 'Switch' }).click();
  await page.getByRole('heading', { name: `Sign in to ${name}` }).waitFor();
}

/** The sign-in screen of a remote profile. */
export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Back to the Local workspace through the profile menu (other scenarios run there). */
export async function switchToLocal(page: Page) {
  if (await page.getByRole('heading', { name: /^Sign in to / }).isVisible()) {
    await page.getByRole('button', { name: 'Local workspace' }).click();
  } else {
    await page.locator('.topbar button[aria-haspopup="menu"]').click();
    await page.getByRole('menuitemradio', { name: /Local workspace/ }).click();
  }
  await mainNav(page).waitFor();
  await page.getByText('Local administrator').first().waitFor();
}
