#!/usr/bin/env node
// Renders resources/icon.svg to the PNGs the app and the installers use:
//   resources/icon.png (1024×1024: window icon, macOS dmg, Windows nsis; electron-builder derives .icns/.ico)
//   resources/icons/<size>x<size>.png (Linux AppImage/deb icon set)
// Uses headless Chromium through playwright-core (Debian's /usr/bin/chromium, or CHROMIUM_PATH).
//   node resources/render-icons.mjs
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const svg = readFileSync(join(here, 'icon.svg'), 'utf8');
const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  mkdirSync(join(here, 'icons'), { recursive: true });
  for (const size of [...sizes, 'main']) {
    const px = size === 'main' ? 1024 : size;
    await page.setViewportSize({ width: px, height: px });
    await page.setContent(
      `<!doctype html><html><body style="margin:0;background:transparent">` +
        `<img src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}" width="${px}" height="${px}" style="display:block"></body></html>`,
    );
    await page.waitForFunction(() => document.images[0]?.complete);
    const out = size === 'main' ? join(here, 'icon.png') : join(here, 'icons', `${px}x${px}.png`);
    await page.screenshot({ path: out, omitBackground: true, clip: { x: 0, y: 0, width: px, height: px } });
    console.log(`wrote ${out}`);
  }
} finally {
  await browser.close();
}
