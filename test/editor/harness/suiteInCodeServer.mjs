// Runs the editor suite inside code-server's extension host, as @vscode/test-electron would in a
// desktop VS Code: the workbench URL carries extensionDevelopmentPath and extensionTestsPath, which
// code-server honours when started with the smoke-test driver, and the workbench reports the
// suite's end through codeAutomationExit, which the page calls on the browser's side.
import { appendFileSync } from 'fs';
import { join } from 'path';
import { format } from 'util';
import { withBrowser } from './browser.mjs';

/** Returns true when the suite passed. */
export async function runSuiteInCodeServer({ url, folder, extensionPath, testsPath, outputDir, scratchDir, timeoutMs, log }) {
  const remote = (path) => `vscode-remote://${new URL(url).host}${path}`;
  const payload = [['extensionDevelopmentPath', remote(extensionPath)], ['extensionTestsPath', remote(testsPath)]];
  const pageUrl = `${url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const logFile = join(outputDir, 'suite-in-code-server.log');
  return withBrowser(scratchDir, async (context) => {
    let timer;
    const exitCode = new Promise((resolve) => {
      // The suite reports at info level; warnings and errors are the workbench's offline noise
      // (no extension gallery, no GitHub): kept in the log file only.
      void context.exposeFunction('codeAutomationLog', (type, args) => {
        const line = format(...args);
        appendFileSync(logFile, `[${type}] ${line}\n`);
        if (type === 'info' || type === 'log') log(`  ${line}`);
      });
      void context.exposeFunction('codeAutomationExit', (code) => resolve(code));
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => log(`  [page error] ${error.message}`));
    await page.goto(pageUrl);
    const code = await exitCode;
    clearTimeout(timer);
    if (code === 0) return true;
    const screenshot = join(outputDir, 'suite-failure.png');
    await page.screenshot({ path: screenshot });
    log(code === 'timeout'
      ? `the editor suite did not finish within ${timeoutMs / 1000} s (screenshot: ${screenshot}, log: ${logFile})`
      : `the editor suite failed with exit code ${code} (screenshot: ${screenshot}, log: ${logFile})`);
    return false;
  });
}
