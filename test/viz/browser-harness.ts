// Headless Chromium for the browser tests and the benchmark: Debian's /usr/bin/chromium driven by
// playwright-core (never a downloaded browser). Tests skip, saying why, when it is not installed.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const chromiumMissing = !existsSync(chromiumPath);
export const chromiumMissingMessage = `${chromiumPath} is absent: skipping the browser tests (install it with: apt-get update && apt-get install -y chromium)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
}

/** Waits until the page has loaded its run (or failed to), and reports page errors. */
export async function openTimeline(browser: Browser, url: string, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { __kvlabViz?: { ready?: boolean } }).__kvlabViz?.ready === true, null, { timeout: 120_000 });
  return { page, errors };
}
