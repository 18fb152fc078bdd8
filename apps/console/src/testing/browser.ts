import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@gridplane/testkit';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/setup.sh installs it); test tools download no browser. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = (): string | null =>
  existsSync(CHROMIUM) ? null : `needs Chromium at ${CHROMIUM} (apt-get install chromium)`;

/** Flags for a headless Chromium on a machine without outside network, run as root. */
const FLAGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot when GRIDPLANE_CONSOLE_SCREENSHOTS names a directory. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile and one page. */
export async function openBrowser(viewport = { width: 1366, height: 900 }): Promise<TestBrowser> {
  const profile = await tempDir('gridplane-chromium-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  const shots = process.env.GRIDPLANE_CONSOLE_SCREENSHOTS;
  return {
    context,
    page,
    async screenshot(name) {
      if (!shots) return;
      await mkdir(shots, { recursive: true });
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    },
    async close() {
      await context.close();
      await profile.remove();
    },
  };
}
