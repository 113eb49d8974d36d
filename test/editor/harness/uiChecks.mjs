// What a person sees in the browser: squiggles, the Problems panel, a hover with the practice,
// the rule documentation from the command palette and from a finding's link, a notebook's
// findings. Each step leaves a screenshot; a failing step leaves one of the failure.
import { join } from 'path';
import { withBrowser } from './browser.mjs';

const STEP_TIMEOUT_MS = 60_000;
const PALETTE_POLL_MS = 2_000;

/**
 * Runs a command from the palette (F1). The palette lists the commands known when it opens, and an
 * extension's commands arrive once the extension host has read its manifest: reopen until listed.
 */
async function runCommand(page, label) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    await input.fill(`>${label}`);
    try {
      await row.waitFor({ timeout: PALETTE_POLL_MS });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`the command palette does not list "${label}"`);
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    }
  }
  await page.keyboard.press('Enter');
}

async function openFromExplorer(page, name) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: STEP_TIMEOUT_MS });
}

/** Waits for the MLH106 page as the Markdown preview renders it, inside a webview's inner frame. */
async function ruleDocRendered(page) {
  await page.locator('.tabs-container .tab', { hasText: 'MLH106.md' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await page.frameLocator('iframe.webview.ready').frameLocator('#active-frame')
    .locator('h1', { hasText: 'MLH106 nan-equality' }).waitFor({ timeout: STEP_TIMEOUT_MS });
}

async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
}

const STEPS = [
  ['workbench', 'the workbench opens the workspace', async (page, { url, folder }) => {
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'train.py' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  }],
  ['python-squiggle', 'train.py shows the MLH106 squiggle', async (page) => {
    await openFromExplorer(page, 'train.py');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  }],
  ['problems-panel', 'the Problems panel lists the findings of an open file, a closed file and the project', async (page) => {
    await runCommand(page, 'View: Focus Problems');
    // The panel renders only the rows in view: filter it down to the ones looked for.
    const filter = page.locator('.part.panel').getByPlaceholder('Filter (e.g. text');
    const rows = page.locator('.markers-panel .monaco-list-row');
    await filter.fill('MLH106');
    for (const file of ['train.py', 'features.py']) {
      await rows.filter({ hasText: file }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    }
    // MLH303 no-tests: the workspace has ML code and no test.
    await filter.fill('MLH303');
    await rows.filter({ hasText: 'MLH303' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await filter.fill('');
    await rows.filter({ hasText: 'explore.ipynb' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  }],
  ['hover', 'hovering the squiggle shows the rule and its practice', async (page) => {
    const squiggle = page.locator('.monaco-editor .squiggly-error').first();
    const box = await squiggle.boundingBox();
    if (!box) throw new Error('the squiggle is not visible');
    await page.mouse.move(box.x + Math.min(10, box.width / 2), box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:visible');
    await hover.filter({ hasText: 'MLH106' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await hover.filter({ hasText: 'Practice' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  }],
  ['rule-doc-link', "clicking the finding's rule code opens its documentation", async (page) => {
    await page.locator('.monaco-hover:visible a', { hasText: 'MLH106' }).first().click();
    await ruleDocRendered(page);
  }],
  ['command-palette', '"ML Hygiene: Show Rule Documentation" from the palette opens a rule page', async (page) => {
    await closeAllEditors(page);
    await runCommand(page, 'ML Hygiene: Show Rule Documentation');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'nan-equality' }).first();
    await pick.waitFor({ timeout: STEP_TIMEOUT_MS });
    await pick.click();
    await ruleDocRendered(page);
  }],
  ['notebook', 'the notebook shows its finding in a cell', async (page) => {
    await openFromExplorer(page, 'explore.ipynb');
    await page.locator('.notebookOverlay .cell-editor-container .squiggly-error').first().waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  }],
];

/** Returns true when every step passed; screenshots go to `outputDir`. */
export async function runUiChecks({ url, folder, outputDir, scratchDir, log }) {
  return withBrowser(scratchDir, async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    for (const [index, [name, description, step]] of STEPS.entries()) {
      const started = Date.now();
      try {
        await step(page, { url, folder });
      } catch (error) {
        const screenshot = join(outputDir, `ui-failure-${name}.png`);
        await page.screenshot({ path: screenshot });
        log(`  FAIL ${description}: ${error.message.split('\n')[0]} (screenshot: ${screenshot})`);
        return false;
      }
      await page.screenshot({ path: join(outputDir, `ui-${index + 1}-${name}.png`) });
      log(`  ok   ${description} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
    return true;
  });
}
