// code-server: a real VS Code (workbench in the browser, Node extension host) on 127.0.0.1.
import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { createServer } from 'net';
import { join } from 'path';
import { startGroup, stopGroup, waitFor } from './processes.mjs';

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  // An empty secondary side bar would take a third of every screenshot.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export class CodeServer {
  /**
   * `node`: a Node 24 binary (code-server's pages fail under older Node); `dir`: a fresh folder for
   * this instance's config, profile and extensions, so nothing is written to ~/.config.
   */
  constructor({ node, entry, dir, logFile }) {
    this.node = node;
    this.entry = entry;
    this.logFile = logFile;
    this.extensionsDir = join(dir, 'extensions');
    const userData = join(dir, 'user-data');
    mkdirSync(join(userData, 'User'), { recursive: true });
    mkdirSync(this.extensionsDir, { recursive: true });
    writeFileSync(join(userData, 'User/settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    writeFileSync(join(dir, 'config.yaml'), '');
    // code-server also keeps logs under the XDG folders: keep those in `dir` too.
    this.env = { ...process.env, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
    this.profileArgs = ['--config', join(dir, 'config.yaml'), '--user-data-dir', userData, '--extensions-dir', this.extensionsDir];
  }

  installExtension(vsix) {
    execFileSync(this.node, [this.entry, ...this.profileArgs, '--install-extension', vsix], { stdio: ['ignore', 'pipe', 'pipe'], env: this.env });
  }

  /** Serves `folder`; returns the base URL once the server answers. */
  async start(folder, extraArgs = []) {
    const port = await freePort();
    ({ pid: this.pid } = startGroup(this.node, [
      this.entry, ...this.profileArgs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', ...extraArgs, folder,
    ], { logFile: this.logFile, env: this.env }));
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`code-server to answer on ${url} (log: ${this.logFile})`, () => fetch(`${url}/healthz`).then((r) => r.ok, () => false), 60_000);
    return url;
  }

  async stop() {
    if (this.pid === undefined) return;
    await stopGroup(this.pid);
    this.pid = undefined;
  }
}
