// Debian's chromium driven by playwright-core, headless, with a throwaway profile, kept off the
// network except for the local code-server.
import { mkdtempSync, rmSync } from 'fs';
import { join } from 'path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './install.mjs';

const FLAGS = [
  '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage',
  // Without these chromium keeps trying to reach Google's services.
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const openContexts = new Set();

/**
 * Runs `use(context)` in a fresh browser and always closes it. The profile goes in `scratchDir`,
 * which the harness removes even when it is stopped by a signal.
 */
export async function withBrowser(scratchDir, use) {
  const profile = mkdtempSync(join(scratchDir, 'chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1600, height: 1000 },
  });
  openContexts.add(context);
  try {
    return await use(context);
  } finally {
    openContexts.delete(context);
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** For a run stopped midway: closes the browsers still open, so their profiles can be removed. */
export async function closeBrowsers() {
  await Promise.all([...openContexts].map((context) => context.close().catch(() => undefined)));
  openContexts.clear();
}
