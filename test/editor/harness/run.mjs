// `npm run test:editor`: the extension in a real VS Code. Installs what is missing (cached in
// .editor-test-cache/), builds and packages the VSIX, then runs the editor suite in code-server
// (from the packaged VSIX) and in desktop VS Code (@vscode/test-electron, where one can be had),
// and the UI checks in chromium against code-server. Screenshots and logs: test-output/editor/.
// Bounded in time; stops every process it started.
import { spawnSync } from 'child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { basename, dirname, join } from 'path';
import { fileURLToPath } from 'url';
import { closeBrowsers } from './browser.mjs';
import { CodeServer } from './codeServer.mjs';
import { ensureTools } from './install.mjs';
import { killAllGroups, startGroup, stopGroup, waitFor } from './processes.mjs';
import { SKIPPED } from './suiteInElectron.mjs';
import { runSuiteInCodeServer } from './suiteInCodeServer.mjs';
import { runUiChecks } from './uiChecks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const cacheDir = join(root, '.editor-test-cache');
const outputDir = join(root, 'test-output/editor');
// The messy example shows every rule: the project a user lints first.
const workspaceTemplate = join(root, 'examples/messy-ml-project');
const suiteBundle = join(root, 'out/editor/index.js');
const vsix = join(root, 'ml-hygiene.vsix');

/** The whole run, installation included, must end within this. */
const RUN_BUDGET_MS = 20 * 60_000;
const SUITE_TIMEOUT_MS = 5 * 60_000;

const started = Date.now();
const log = (message) => console.log(`[editor ${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);

const scratch = mkdtempSync(join(tmpdir(), 'mlh-editor-'));
// The suite bundle's copy for this run; inside the repository, where it finds mocha in node_modules.
mkdirSync(join(root, 'out'), { recursive: true });
const suiteDir = mkdtempSync(join(root, 'out/editor-run-'));
const testsPath = join(suiteDir, 'index');
async function cleanUp() {
  await Promise.race([closeBrowsers(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
  killAllGroups();
  rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
  rmSync(suiteDir, { recursive: true, force: true });
}
async function stopEarly(reason) {
  log(reason);
  await cleanUp();
  process.exit(1);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stopEarly(`stopped by ${signal}`));
const watchdog = setTimeout(
  () => stopEarly(`FAILED: the editor tests took longer than ${RUN_BUDGET_MS / 60_000} min; stopping everything`),
  RUN_BUDGET_MS,
);

/** A fresh copy of the example, under its own name (the workbench shows it): the tests edit files. */
function freshWorkspace(name) {
  const folder = join(scratch, name, basename(workspaceTemplate));
  cpSync(workspaceTemplate, folder, { recursive: true });
  return folder;
}

function buildAndPackage() {
  log('building and packaging the extension');
  const result = spawnSync('npm', ['run', 'package'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run package failed:\n${result.stdout}\n${result.stderr}`);
  if (!existsSync(vsix)) throw new Error(`npm run package did not produce ${vsix}`);
}

/**
 * Copies the suite bundle for this run, so that a rebuild of the work tree while the editor runs
 * cannot swap it mid-run. esbuild ends a complete bundle with its source map comment.
 */
async function snapshotSuite() {
  await waitFor(`a complete ${suiteBundle}`, () => {
    copyFileSync(suiteBundle, `${testsPath}.js`);
    return readFileSync(`${testsPath}.js`, 'utf8').trimEnd().endsWith('//# sourceMappingURL=index.js.map');
  }, 30_000);
}

/** Installs the VSIX into a code-server profile; returns the installed extension's folder. */
function installVsix(codeServer) {
  codeServer.installExtension(vsix);
  const installed = readdirSync(codeServer.extensionsDir).find((name) => name.startsWith('ml-hygiene.ml-hygiene-'));
  if (!installed) throw new Error(`installing ${vsix} left no ml-hygiene extension in ${codeServer.extensionsDir}`);
  return join(codeServer.extensionsDir, installed);
}

async function withCodeServer(codeServer, folder, extraArgs, use) {
  const url = await codeServer.start(folder, extraArgs);
  try {
    return await use(url);
  } finally {
    await codeServer.stop();
  }
}

async function suiteInElectron(extensionPath) {
  const script = join(root, 'test/editor/harness/suiteInElectron.mjs');
  const args = [script, extensionPath, testsPath, freshWorkspace('electron-workspace'), join(scratch, 'electron'), join(cacheDir, 'vscode')];
  const needsDisplay = process.platform === 'linux' && !process.env.DISPLAY;
  const { pid, exited } = needsDisplay ? startGroup('xvfb-run', ['-a', process.execPath, ...args]) : startGroup(process.execPath, args);
  let timer;
  const code = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), SUITE_TIMEOUT_MS)))]);
  clearTimeout(timer);
  await stopGroup(pid);
  if (code === SKIPPED) return 'skipped';
  return code === 0 ? 'passed' : code === 'timeout' ? `FAILED (no result within ${SUITE_TIMEOUT_MS / 1000} s)` : 'FAILED';
}

async function main() {
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  const tools = ensureTools(cacheDir, log);
  buildAndPackage();
  await snapshotSuite();
  const results = {};

  // The UI profile has the VSIX installed as a user would; the suite profile loads that same
  // installed copy as the extension under development, beside no other extension.
  const uiServer = new CodeServer({ node: tools.node24, entry: tools.codeServerEntry, dir: join(scratch, 'code-server-ui'), logFile: join(outputDir, 'code-server-ui.log') });
  const extensionPath = installVsix(uiServer);
  log(`installed ${vsix} into code-server`);

  log('editor suite in code-server');
  const suiteServer = new CodeServer({ node: tools.node24, entry: tools.codeServerEntry, dir: join(scratch, 'code-server-suite'), logFile: join(outputDir, 'code-server-suite.log') });
  const suiteFolder = freshWorkspace('suite-workspace');
  const suitePassed = await withCodeServer(suiteServer, suiteFolder, ['--vscode-option', 'enable-smoke-test-driver'], (url) =>
    runSuiteInCodeServer({ url, folder: suiteFolder, extensionPath, testsPath, outputDir, scratchDir: scratch, timeoutMs: SUITE_TIMEOUT_MS, log }),
  );
  results['editor suite in code-server'] = suitePassed ? 'passed' : 'FAILED';

  // The smoke-test driver hides notifications, so the UI checks get a code-server of their own.
  log('UI checks in chromium against code-server');
  const uiFolder = freshWorkspace('ui-workspace');
  const uiPassed = await withCodeServer(uiServer, uiFolder, [], (url) => runUiChecks({ url, folder: uiFolder, outputDir, scratchDir: scratch, log }));
  results['UI checks in code-server'] = uiPassed ? 'passed' : 'FAILED';

  log('editor suite in desktop VS Code (@vscode/test-electron)');
  results['editor suite in desktop VS Code'] = await suiteInElectron(extensionPath);

  log(`results (screenshots: ${outputDir}):`);
  for (const [name, result] of Object.entries(results)) log(`  ${result.padEnd(8)} ${name}`);
  const count = (wanted) => Object.values(results).filter((result) => result.startsWith(wanted)).length;
  console.log(`editor: ${count('passed')} passed, ${count('FAILED')} failed, ${count('skipped')} skipped`);
  return count('FAILED') > 0 ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  log(`FAILED: ${error.message}`);
} finally {
  clearTimeout(watchdog);
  await cleanUp();
}
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(exitCode);
