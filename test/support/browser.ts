import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it when missing); no browser download works here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--lang=ja-JP',
];

/**
 * Date fields (2026/11/25) and the file button (ファイルを選択) read as on a
 * ward's PC: headless Chromium takes its controls' locale from LANG, and its
 * Japanese resources from Debian's chromium-l10n (.ci/run installs it).
 */
const JAPANESE_ENV = { LANG: 'ja_JP.UTF-8', LANGUAGE: 'ja' };

/**
 * A headless Chromium. Playwright starts it with a fresh temporary profile
 * (its own --user-data-dir, removed at close) and isolates each context.
 */
export async function launchBrowser(): Promise<{
  browser: Browser;
  close: () => Promise<void>;
}> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    env: { ...process.env, ...JAPANESE_ENV },
  });
  return { browser, close: () => browser.close() };
}

/** Accessibility violations of impact serious or critical on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * The screen gallery (docs/screens/): with SCREENSHOT_DIR set (`npm run
 * screens`), each screen a test reaches is saved under its name.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.SCREENSHOT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
