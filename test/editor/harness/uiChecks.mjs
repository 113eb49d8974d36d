// What a person sees in the browser, on the messy example: the walkthrough, squiggles, the Problems
// panel, a compact hover with the practice and its links, the rule documentation from the hover and
// from the command palette, a notebook's findings, the project report from the palette and from the
// status bar, the settings, and the TDSP scaffold into a new folder, which it then opens.
// Each step leaves a screenshot; a failing step leaves one of the failure.
import { basename, join } from 'path';
import { withBrowser } from './browser.mjs';

const STEP_TIMEOUT_MS = 60_000;
const PALETTE_POLL_MS = 2_000;
/** The hover of one finding must fit on a laptop screen with room to spare (it was ~2,000 px). */
const HOVER_MAX_HEIGHT_PX = 450;

/**
 * Runs a command from the palette (F1). The palette lists the commands known when it opens, and an
 * extension's commands arrive once the extension host has read its manifest; a view that takes the
 * focus as it settles (a walkthrough, an editor) can also close the palette while it is typed into.
 * Each try is short: reopen until the command is listed.
 */
async function runCommand(page, label) {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    try {
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: PALETTE_POLL_MS });
      await input.fill(`>${label}`, { timeout: PALETTE_POLL_MS });
      await row.waitFor({ timeout: PALETTE_POLL_MS });
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`the command palette does not list "${label}" (${error.message.split('\n')[0]})`);
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden', timeout: PALETTE_POLL_MS }).catch(() => {});
    }
  }
  await page.keyboard.press('Enter');
}

async function openFromExplorer(page, name) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: STEP_TIMEOUT_MS });
}

/** The content of the webview on show: an outer iframe per webview, the page in its inner frame. */
function webviewContent(page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Waits for the MLH106 page as the Markdown preview renders it. */
async function ruleDocRendered(page) {
  await page.locator('.tabs-container .tab', { hasText: 'MLH106.md' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
  await webviewContent(page).locator('h1', { hasText: 'MLH106 nan-equality' }).waitFor({ timeout: STEP_TIMEOUT_MS });
}

/** Waits for the quick pick (or input box) to list a row with `text`. */
async function quickPickRow(page, text) {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: STEP_TIMEOUT_MS });
  return row;
}

/**
 * Filters the Problems panel by `filterText` (it renders only the rows in view) and waits for a row
 * with `rowText`. The filter box can drop what is typed while the panel is still settling: type
 * again until the row shows.
 */
async function problemsRow(page, filterText, rowText) {
  const filter = page.locator('.part.panel').getByPlaceholder('Filter (e.g. text');
  const row = page.locator('.markers-panel .monaco-list-row', { hasText: rowText }).first();
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    try {
      await filter.fill(filterText, { timeout: PALETTE_POLL_MS });
      await row.waitFor({ timeout: PALETTE_POLL_MS });
      return;
    } catch {
      if (Date.now() > deadline) {
        const shown = await filter.inputValue();
        throw new Error(`the Problems panel filtered by "${filterText}" (the box shows "${shown}") has no row with "${rowText}"`);
      }
    }
  }
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
  ['walkthrough', '"ML Hygiene: Get Started" opens the walkthrough with its five steps', async (page) => {
    await runCommand(page, 'ML Hygiene: Get Started');
    const walkthrough = page.locator('.gettingStartedContainer', { hasText: 'Get started with ML Hygiene' }).first();
    await walkthrough.waitFor({ timeout: STEP_TIMEOUT_MS });
    for (const step of ['See the findings', 'Read the practice behind a finding', 'Run the hygiene report', 'Scaffold a project', 'Configure the rules']) {
      await walkthrough.locator('.getting-started-step', { hasText: step }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    }
    // The first step's picture is shown, from the extension's own files.
    await page.waitForFunction(() => [...document.querySelectorAll('.gettingStartedContainer .getting-started-media img')].some((img) => img.complete && img.naturalWidth > 0), null, { timeout: STEP_TIMEOUT_MS });
  }],
  ['extension-page', "the extension's page shows its icon and the user README, the VS Code section first", async (page, { shot }) => {
    await runCommand(page, 'Extensions: Show Installed Extensions');
    await page.locator('.extensions-viewlet .monaco-list-row', { hasText: 'ML Hygiene' }).first().click();
    await page.locator('.tabs-container .tab.active', { hasText: 'ML Hygiene' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.waitForFunction(() => [...document.querySelectorAll('.extension-editor .header img.icon')].some((img) => img.complete && img.naturalWidth > 0), null, { timeout: STEP_TIMEOUT_MS });
    // The README is rendered in a webview: find the frame that shows it.
    const deadline = Date.now() + STEP_TIMEOUT_MS;
    for (;;) {
      const headings = await Promise.all(page.frames().map((frame) => frame.locator('h2').allInnerTexts().catch(() => [])));
      const readme = headings.find((texts) => texts.includes('In VS Code'));
      if (readme) {
        if (readme[0] !== 'In VS Code') throw new Error(`the README's first section is "${readme[0]}"`);
        break;
      }
      if (Date.now() > deadline) throw new Error('the extension page shows no README with an "In VS Code" section');
      await page.waitForTimeout(500);
    }
    await shot('readme');
    await runCommand(page, 'View: Show Explorer');
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'train.py' }).waitFor({ timeout: STEP_TIMEOUT_MS });
  }],
  ['python-squiggle', 'train.py shows the MLH106 squiggle', async (page) => {
    await closeAllEditors(page);
    await openFromExplorer(page, 'train.py');
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  }],
  ['problems-panel', 'the Problems panel lists the findings of an open file, a closed file and the project', async (page) => {
    await runCommand(page, 'View: Focus Problems');
    // MLH106 in the open train.py, MLH101 in prepare_customers.py, which nobody opened, the
    // notebook's findings, and MLH303 no-tests: the example has ML code and no test.
    await problemsRow(page, 'MLH106', 'train.py');
    await problemsRow(page, 'prepare_customers.py', 'MLH101');
    await problemsRow(page, 'exploration.ipynb', 'MLH801');
    await problemsRow(page, 'MLH309', 'requirements.txt');
    // The screenshot shows the whole list.
    await problemsRow(page, '', 'ml-hygiene');
  }],
  ['hover', 'hovering the squiggle shows a compact hover: the message once, the practice, the fix and the links', async (page) => {
    const squiggle = page.locator('.monaco-editor .squiggly-error').first();
    const box = await squiggle.boundingBox();
    if (!box) throw new Error('the squiggle is not visible');
    await page.mouse.move(box.x + Math.min(10, box.width / 2), box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:visible').filter({ hasText: 'MLH106' }).first();
    await hover.filter({ hasText: 'Full documentation' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    const text = await hover.innerText();
    for (const part of ['No AI without IA', 'Fix:', 'Quick fix']) {
      if (!text.includes(part)) throw new Error(`the hover lacks "${part}":\n${text}`);
    }
    const message = 'is always True; use isna()/np.isnan() to test for missing values';
    const times = text.split(message).length - 1;
    if (times !== 1) throw new Error(`the hover shows the message ${times} times:\n${text}`);
    const height = (await hover.boundingBox())?.height ?? Infinity;
    if (height > HOVER_MAX_HEIGHT_PX) throw new Error(`the hover is ${height} px high (at most ${HOVER_MAX_HEIGHT_PX})`);
  }],
  ['rule-doc-link', 'the hover\'s "Full documentation" link opens the rule page', async (page) => {
    await page.locator('.monaco-hover:visible a', { hasText: 'Full documentation' }).first().click();
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
  ['notebook', 'the notebook shows its findings in its cells', async (page) => {
    await openFromExplorer(page, 'exploration.ipynb');
    // MLH101 (a warning): the data is read without validation.
    await page.locator('.notebookOverlay .cell-editor-container .squiggly-warning').first().waitFor({ state: 'attached', timeout: STEP_TIMEOUT_MS });
  }],
  ['report', '"ML Hygiene: Show Project Report" shows the scores, and a finding\'s link opens its file', async (page, { shot }) => {
    await closeAllEditors(page);
    // The whole page for the report, without the Problems panel under it.
    await runCommand(page, 'View: Hide Panel');
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
    await runCommand(page, 'ML Hygiene: Show Project Report');
    const report = webviewContent(page);
    await report.locator('h1', { hasText: 'ML Hygiene report' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await report.locator('svg[aria-label="Practice scores"]').waitFor({ timeout: STEP_TIMEOUT_MS });
    await shot('webview');
    const link = report.locator('ol li a').first();
    const file = (await link.textContent()).split(':')[0].split(' cell ')[0];
    await link.click();
    await page.locator('.tabs-container .tab.active', { hasText: file.split('/').pop() }).waitFor({ timeout: STEP_TIMEOUT_MS });
  }],
  ['status-bar', 'the status bar shows the score and the finding count, and opens the report', async (page) => {
    await closeAllEditors(page);
    const item = page.locator('.statusbar-item', { hasText: /ML Hygiene \d+\/100 · \d+ findings/ }).first();
    await item.waitFor({ timeout: STEP_TIMEOUT_MS });
    await item.click();
    await webviewContent(page).locator('h1', { hasText: 'ML Hygiene report' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    // Away from the item, whose tooltip would cover the notifications of the next steps.
    await page.mouse.move(800, 300);
  }],
  ['settings', 'the settings editor offers run, log level and a severity per rule', async (page, { shot }) => {
    await closeAllEditors(page);
    await runCommand(page, 'Preferences: Open Settings (UI)');
    // The search box has the focus when the settings editor opens.
    await page.locator('.settings-editor .suggest-input-container').first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.keyboard.type('@ext:ml-hygiene.ml-hygiene');
    for (const title of ['Run', 'Log Level', 'Severity']) {
      await page.locator('.settings-editor .setting-item-title', { hasText: title }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    }
    // Run is a choice, not a text box.
    await page.locator('.settings-editor .setting-item-enum', { hasText: 'When ML Hygiene analyses' }).locator('select, .monaco-select-box').first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await shot('editor');
    // This workbench shows the settings in a modal editor over the others, with its own close button.
    await page.keyboard.press('Escape');
    const modalClose = page.locator('.modal-editor-header .codicon-close').first();
    if (await modalClose.isVisible()) await modalClose.click();
    else await closeAllEditors(page);
    await page.locator('.settings-editor').first().waitFor({ state: 'hidden', timeout: STEP_TIMEOUT_MS });
  }],
  ['project-view', 'the ML Hygiene view lists the practices and their checks, and a finding opens its file', async (page, { folder, shot }) => {
    await closeAllEditors(page);
    // The folder's file tree folds away, so that the view has the side bar's height.
    await page.locator('.pane-header', { hasText: basename(folder) }).first().click();
    await runCommand(page, 'Focus on ML Hygiene View');
    const view = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'ML Hygiene' }) }).last();
    const rows = view.locator('.monaco-list-row');
    await rows.filter({ hasText: 'P1 Avoid ML-solutionism' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    // Typing a check's code moves to it; the right arrow unfolds its findings, the down arrow goes
    // to the first one, Enter opens it.
    await rows.filter({ hasText: 'P1 Avoid ML-solutionism' }).first().click();
    await page.keyboard.type('MLH106');
    const check = rows.filter({ hasText: 'MLH106 nan-equality' }).first();
    await check.waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press('Escape');
    await check.locator('.monaco-tl-twistie').click();
    const finding = rows.filter({ hasText: 'train.py:' }).first();
    await finding.waitFor({ timeout: STEP_TIMEOUT_MS });
    await shot('tree');
    await finding.click();
    await page.locator('.tabs-container .tab.active', { hasText: 'train.py' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.locator('.pane-header', { hasText: basename(folder) }).first().click();
  }],
  ['fix-all', '"Fix All Auto-fixable Findings in the Project" shows its changes in the refactor preview first', async (page, { shot }) => {
    await closeAllEditors(page);
    await runCommand(page, 'ML Hygiene: Fix All Auto-fixable Findings in the Project');
    const panel = page.locator('.part.panel');
    await panel.locator('.monaco-list-row', { hasText: 'train.py' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await shot('preview');
    await panel.locator('.monaco-button', { hasText: 'Discard' }).first().click();
    await panel.locator('.monaco-list-row', { hasText: 'train.py' }).first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  }],
  ['scaffold', '"ML Hygiene: Scaffold TDSP Project" into a new folder typed in: creates it, opens the summary, then opens the folder', async (page, { shot }) => {
    await closeAllEditors(page);
    await runCommand(page, 'ML Hygiene: Scaffold TDSP Project');
    await page.locator('.quick-input-widget input').fill('customer-churn');
    await (await quickPickRow(page, 'created if it does not exist')).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'Project name' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.locator('.quick-input-widget input').fill('Customer churn');
    await page.keyboard.press('Enter');
    await quickPickRow(page, 'Dependabot');
    await shot('options');
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'Scaffolded Customer churn.md' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.locator('.monaco-editor .view-line', { hasText: '## Created' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    const summary = page.locator('.notification-toast', { hasText: 'Scaffolded "Customer churn"' }).first();
    await summary.locator('.monaco-button', { hasText: 'Open Folder' }).waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.mouse.move(800, 300);
    await shot('summary');
    await summary.locator('.monaco-button', { hasText: 'Open Folder' }).click();
    // The window now shows the new folder: its layout is in the Explorer.
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'Sample_Data' }).first().waitFor({ timeout: STEP_TIMEOUT_MS });
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'train.py' }).first().waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
  }],
];

/** Returns true when every step passed; screenshots go to `outputDir`. */
export async function runUiChecks({ url, folder, outputDir, scratchDir, log }) {
  return withBrowser(scratchDir, async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    for (const [index, [name, description, step]] of STEPS.entries()) {
      const started = Date.now();
      try {
        // A step may save screenshots of its own midway, named after it.
        const shot = (detail) => page.screenshot({ path: join(outputDir, `ui-${index + 1}-${name}-${detail}.png`) });
        await step(page, { url, folder, shot });
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
