/**
 * Helpers for the e2e scenarios: open the console served by dev:browser in Chromium, find things the way
 * a person does (roles, labels, visible text), and save screenshots into test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { inject } from 'vitest';
import { launch, watchProblems } from './browser';

export const SCREENSHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

export interface Console {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  url: string;
  /** Console errors and uncaught page errors seen so far. */
  problems: string[];
  close(): Promise<void>;
}

/** A fresh Chromium page (own localStorage) on the console, once the shell is shown. */
export async function openConsole(opts: { waitForShell?: boolean } = {}): Promise<Console> {
  const url = inject('bridgeUrl');
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
  context.setDefaultTimeout(20_000);
  // The bridge session the global setup got from dev:browser's one-time link (HttpOnly: pages cannot read it).
  await context.addCookies([{ ...inject('bridgeCookie'), url, httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(url);
  // Scenarios start on the Local workspace, whatever profile a previous file left active.
  const switched = await page.evaluate(async () => {
    type P = { profiles: { list(): Promise<{ profiles: { id: string; kind: string }[]; activeId: string }>; switch(id: string): Promise<unknown> } };
    const api = (globalThis as unknown as { loctelli: P }).loctelli;
    const { profiles, activeId } = await api.profiles.list();
    const local = profiles.find((p) => p.kind === 'local')!;
    if (local.id === activeId) return false;
    await api.profiles.switch(local.id);
    return true;
  });
  if (switched) await page.reload();
  if (opts.waitForShell !== false) await mainNav(page).waitFor({ timeout: 90_000 });
  return { browser, context, page, url, problems, close: () => browser.close() };
}

export const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

/** Follows a sidebar link, like a person clicking it. */
export async function goTo(page: Page, label: 'Catalog' | 'Integrations' | 'Dashboard' | 'Drafts' | 'Templates' | 'Audit log' | 'Settings') {
  await mainNav(page).getByRole('link', { name: label, exact: false }).first().click();
  await page.locator('main h1', { hasText: label === 'Audit log' ? 'Audit' : label }).first().waitFor();
}

export async function shot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let transitions and pushed updates settle.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

export async function setTheme(page: Page, theme: 'light' | 'dark' | 'system') {
  await page.evaluate(`window.loctelli.settings.set({ theme: ${JSON.stringify(theme)} })`);
  await page.reload();
  await mainNav(page).waitFor();
}

/** Arranges a subaccount through the bridge (there is no screen for subaccounts); returns its id. */
export async function createSubaccount(page: Page, name: string): Promise<number> {
  return page.evaluate(async (n) => {
    const w = globalThis as unknown as { loctelli: { subaccounts: { create(b: { name: string }): Promise<{ id: number }> } } };
    return (await w.loctelli.subaccounts.create({ name: n })).id;
  }, name);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A picker option: the name, then the integration count when there are some. */
const optionName = (name: string) => new RegExp(`^${escapeRe(name)}(\\s+\\d+)?$`);

/** Picks a subaccount in the top bar's searchable switcher (or "All subaccounts"). */
export async function chooseScope(page: Page, name: string) {
  await page.locator('.topbar').getByRole('button', { name: /^Subaccount:/ }).click();
  const search = page.getByRole('combobox', { name: 'Search subaccount' });
  if (name !== 'All subaccounts') await search.fill(name);
  await page.getByRole('listbox', { name: 'Subaccount' }).getByRole('option', { name: optionName(name) }).click();
  await page.locator('.topbar').getByRole('button', { name: `Subaccount: ${name}`, exact: true }).waitFor();
}

/** The catalog card of a template, by its display name. */
export const card = (page: Page, displayName: string): Locator =>
  page.getByRole('list', { name: 'Integration templates' }).getByRole('listitem').filter({ has: page.getByRole('heading', { name: displayName, exact: true }) });

/** From the catalog: Setup Integration on a template's card, then past the overview. */
export async function startSetup(page: Page, displayName: string) {
  await goTo(page, 'Catalog');
  await card(page, displayName).getByRole('button', { name: 'Setup Integration' }).click();
  await page.locator('main h1', { hasText: `Set up ${displayName}` }).waitFor();
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('heading', { name: 'Configuration' }).waitFor();
}

/** The subaccount picker inside the wizard's configuration step. */
export async function chooseWizardSubaccount(page: Page, name: string) {
  const step = page.locator('.config-identity');
  await step.getByRole('button', { name: /^Subaccount:/ }).click();
  await step.getByRole('combobox', { name: 'Search subaccount' }).fill(name);
  await step.getByRole('option', { name: optionName(name) }).click();
  await step.getByRole('button', { name: `Subaccount: ${name}`, exact: true }).waitFor();
}

/** The integration's name field in the wizard. */
export const nameField = (page: Page) => page.locator('.config-identity').getByRole('textbox', { name: /^Name/ });

/**
 * Leaves the focused field first. KNOWN ISSUE (reported): the form validates on blur, and when that changes
 * the layout (an error line under a field appears or goes away) the "Next" button moves between mouse-down
 * and mouse-up, so a person's first click on it is lost. Blurring first keeps the scenarios about the flow.
 */
export async function leaveField(page: Page) {
  await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document.activeElement?.blur?.());
  await page.waitForTimeout(100);
}

export async function nextToTest(page: Page) {
  await leaveField(page);
  await page.getByRole('button', { name: 'Next: test the connection' }).click();
  await page.getByRole('heading', { name: 'Connection test' }).waitFor();
}

/** Waits for the connection test's answer and returns its panel. */
export async function testAnswer(page: Page): Promise<Locator> {
  const panel = page.locator('.test-panel');
  await panel.getByText(/Connection works|The connection test failed|The test could not run/).first().waitFor({ timeout: 60_000 });
  return panel;
}

/** Step 4: Save and activate (with the first sync), then waits for the result and opens the integration. */
export async function activateAndOpen(page: Page, name: string) {
  await page.getByRole('button', { name: 'Next: confirm' }).click();
  await page.getByRole('heading', { name: 'Confirm and activate' }).waitFor();
  await page.getByRole('button', { name: 'Save and activate' }).click();
  await page.getByText(`${name} is saved`).waitFor({ timeout: 60_000 });
}

/** The value of a stat card on the dashboard ("Total", "Active", …). */
export async function statValue(page: Page, label: string): Promise<string> {
  const stat = page.getByRole('list', { name: 'Integrations by status' }).getByRole('listitem').filter({ has: page.locator('.stat-label', { hasText: new RegExp(`^${label}$`) }) });
  return (await stat.locator('.stat-value').textContent())?.trim() ?? '';
}

/** Detail page: the Synced data tab's count chip of a kind (e.g. "Contact"). */
export async function recordCount(page: Page, kindLabel: string): Promise<string> {
  const chip = page.getByRole('group', { name: 'Record kind' }).getByRole('button', { name: new RegExp(`^${kindLabel} `) });
  return (await chip.locator('.muted').textContent())?.trim() ?? '';
}

/** Problems worth failing a test for (the console's own errors, not expected network noise). */
export function realProblems(problems: string[]): string[] {
  return problems.filter((p) => !/Failed to load resource|net::ERR_/.test(p));
}
