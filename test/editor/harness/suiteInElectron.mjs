// Runs the editor suite in a desktop VS Code with @vscode/test-electron: the one given by
// VSCODE_EXECUTABLE_PATH, else one it downloads. Run as its own process (in a process group the
// harness can stop); exit code 0 passed, 1 failed, SKIPPED when no VS Code can be had.
// Usage: node suiteInElectron.mjs <extensionPath> <testsPath> <workspace> <runDir> <cacheDir>
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { join } from 'path';
import { pathToFileURL } from 'url';

export const SKIPPED = 3;
const DOWNLOAD_IDLE_TIMEOUT_MS = 20_000;

async function vscodeExecutable(cacheDir) {
  if (process.env.VSCODE_EXECUTABLE_PATH) return process.env.VSCODE_EXECUTABLE_PATH;
  try {
    return await downloadAndUnzipVSCode({ cachePath: cacheDir, timeout: DOWNLOAD_IDLE_TIMEOUT_MS });
  } catch (error) {
    console.log(`skipped: no VS Code to run (${error.message.split('\n')[0]}); set VSCODE_EXECUTABLE_PATH to use an installed one`);
    process.exit(SKIPPED);
  }
}

async function main() {
  const [extensionPath, testsPath, workspace, runDir, cacheDir] = process.argv.slice(2);
  const executable = await vscodeExecutable(cacheDir);
  if (process.platform === 'linux' && !process.env.DISPLAY) {
    console.log('failed: desktop VS Code needs a display; run under xvfb-run or set DISPLAY');
    process.exit(1);
  }
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: extensionPath,
      extensionTestsPath: testsPath,
      launchArgs: [
        workspace, '--user-data-dir', join(runDir, 'user-data'), '--extensions-dir', join(runDir, 'extensions'),
        '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-gpu', '--no-sandbox',
      ],
    });
  } catch (error) {
    console.log(`failed: ${error.message}`);
    process.exit(1);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
