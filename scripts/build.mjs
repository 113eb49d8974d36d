// Bundles the extension client, the language server, the CLI and the scan worker (each with its
// loader), the tests, the benchmark and the fuzzer with esbuild, puts the tree-sitter .wasm files
// beside the server bundle, and makes the code caches of the CLI and its scan threads.
import { build } from 'esbuild';
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { createRequire } from 'module';
import { dirname, join, relative } from 'path';
import { fileURLToPath } from 'url';

const require = createRequire(import.meta.url);
const root = dirname(dirname(new URL(import.meta.url).pathname));
// web-tree-sitter's runtime makes itself a require function with a dynamic import; in a bundle,
// which has require, that import is only in the way: the command's and the scan threads' code is
// compiled as a vm.Script (engine/codeCache.ts), in which a dynamic import throws.
const TREE_SITTER_REQUIRE = `    if (ENVIRONMENT_IS_NODE) {
      const { createRequire } = await import("module");
      var require = createRequire(import.meta.url);
    }
`;
const bundleRequire = {
  name: 'bundle-require',
  setup(build) {
    build.onLoad({ filter: /web-tree-sitter[\\/]tree-sitter\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(TREE_SITTER_REQUIRE)) throw new Error(`${args.path} no longer makes its require as the build expects: see bundleRequire`);
      return { contents: source.replace(TREE_SITTER_REQUIRE, ''), loader: 'js' };
    });
  },
};

/** What the bundles of one build are made from: the engine's sources, the locked dependencies and
 *  this script. The scan's cache is kept under it (engine/scanCache.ts), so that the command line and
 *  the language server of one build share a cache, and a cache of another build is never read. */
function buildIdentity() {
  const hash = createHash('sha1');
  const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]));
  for (const file of [...files(join(root, 'server/src')).sort(), join(root, 'package-lock.json'), fileURLToPath(import.meta.url)]) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

// ESM dependencies (web-tree-sitter) read import.meta.url, which a CommonJS bundle must provide.
const common = {
  bundle: true,
  mainFields: ['module', 'main'],
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  define: { 'import.meta.url': 'importMetaUrl', ML_HYGIENE_BUILD: JSON.stringify(buildIdentity()) },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  plugins: [bundleRequire],
};

function testFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return name === 'fixtures' ? [] : testFiles(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

const serverOut = join(root, 'server/out');
mkdirSync(serverOut, { recursive: true });
for (const [file, pkg] of [['tree-sitter.wasm', 'web-tree-sitter'], ['tree-sitter-python.wasm', 'tree-sitter-python']]) {
  copyFileSync(require.resolve(`${pkg}/${file}`), join(serverOut, file));
}

await Promise.all([
  build({
    ...common,
    entryPoints: {
      server: join(root, 'server/src/lsp/main.ts'),
      cli: join(root, 'server/src/cli/loader.ts'),
      command: join(root, 'server/src/cli/main.ts'),
      worker: join(root, 'server/src/engine/workerLoader.ts'),
      scanWorker: join(root, 'server/src/engine/worker.ts'),
    },
    outdir: serverOut,
  }),
  build({ ...common, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(root, 'client/out/extension.js'), external: ['vscode'] }),
  build({
    ...common,
    entryPoints: testFiles(join(root, 'test')).map((f) => ({ in: f, out: relative(join(root, 'test'), f).replace(/\.ts$/, '') })),
    outdir: join(root, 'out/test'),
    external: ['vscode'],
  }),
  // The benchmarks are not tests: outside out/test, where node's test runner would pick it up.
  build({ ...common, entryPoints: [join(root, 'test/bench/bench.ts')], outfile: join(root, 'out/bench/bench.js') }),
  build({ ...common, entryPoints: [join(root, 'test/precision/precision.ts')], outfile: join(root, 'out/precision/precision.js') }),
  build({ ...common, entryPoints: [join(root, 'test/precision/peers.ts')], outfile: join(root, 'out/precision/peers.js') }),
  // Nor is the fuzzer; its worker thread is a bundle of its own.
  build({
    ...common,
    entryPoints: { fuzz: join(root, 'test/fuzz/fuzz.ts'), engineWorker: join(root, 'test/fuzz/engineWorker.ts') },
    outdir: join(root, 'out/fuzz'),
  }),
  // The editor suite runs inside VS Code's extension host, with mocha from node_modules.
  build({ ...common, entryPoints: [join(root, 'test/editor/suite/index.ts')], outfile: join(root, 'out/editor/index.js'), external: ['vscode', 'mocha'] }),
]);

// The code caches of the command and of its scan threads (see engine/codeCache.ts): made while the
// command line checks the project's fixtures (enough files for threads), under its own flags.
// Without them the code is compiled from source, so a run that fails costs a warning, not the build.
const codeCaches = ['command.js.cache', 'scanWorker.js.cache'].map((file) => join(serverOut, file));
for (const cache of codeCaches) rmSync(cache, { force: true });
const training = spawnSync(process.execPath, [join(serverOut, 'cli.js'), 'check', join(root, 'test/fixtures'), '--no-cache', '--format', 'json'], {
  env: { ...process.env, ML_HYGIENE_BUILD_CODE_CACHE: '1' },
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
const missing = codeCaches.filter((cache) => !existsSync(cache));
if (missing.length > 0) console.warn(`Code caches not made (that code will compile from source): ${missing.join(', ')}: ${training.stderr || `exit status ${training.status}`}`);
