// The npm package as a user gets it: packed from this checkout, installed globally from the tarball
// into an empty prefix without the network, and run. It must carry its prebuilt bundles, the .wasm
// grammars and the schemas, and need neither a build step nor any other package.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { cliEnv } from '../support/cli';
import { NAN_MODULE, makeProject, removeProject, REPO } from '../support/project';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-package-'));
const prefix = path.join(scratch, 'prefix');
const installed = path.join(prefix, 'lib/node_modules/ml-hygiene');
const bin = path.join(prefix, 'bin/ml-hygiene');
const { version } = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };

/** npm without the settings of an npm that may be running this test (`npm test` exports its own). */
function npm(args: string[], cwd: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const result = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], { cwd, env, encoding: 'utf8' });
  if (result.error) throw result.error;
  assert.equal(result.status, 0, `npm ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

before(() => {
  // The bundles are built by `npm test` (and by `prepare` on a real `npm pack`): packing skips it.
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], REPO)) as { filename: string }[];
  const empty = path.join(scratch, 'empty');
  fs.mkdirSync(empty);
  npm(['install', '--global', '--prefix', prefix, '--offline', path.join(scratch, packed.filename)], empty);
});
after(() => removeProject(scratch));

test('the tarball installs alone: bundles, grammars and schemas, no dependency, no build', () => {
  assert.deepEqual(fs.readdirSync(path.join(prefix, 'lib/node_modules')), ['ml-hygiene']);
  assert.equal(fs.existsSync(path.join(installed, 'node_modules')), false);
  for (const file of ['server/out/cli.js', 'server/out/worker.js', 'server/out/server.js', 'server/out/tree-sitter.wasm', 'server/out/tree-sitter-python.wasm', 'schemas/ml-hygiene.schema.json']) {
    assert.ok(fs.existsSync(path.join(installed, file)), `${file} is not in the package`);
  }
  // What only building or developing needs stays out.
  for (const file of ['scripts', 'server/src', 'test', 'server/out/cli.js.map']) {
    assert.equal(fs.existsSync(path.join(installed, file)), false, `${file} is in the package`);
  }
});

test('the installed ml-hygiene prints its version and checks a project', () => {
  const versionRun = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  assert.equal(versionRun.stdout, `${version}\n`, versionRun.stderr);

  // Enough files that the scan runs in worker threads, which load the packaged worker bundle.
  const files: Record<string, string> = { 'requirements.txt': 'numpy==2.1.0\n', 'features/clean.py': NAN_MODULE };
  for (let i = 0; i < 70; i++) files[`features/step_${i}.py`] = `"""Step ${i}."""\n\nSCALE = ${i}\n`;
  const project = makeProject(files);
  try {
    const check = spawnSync(bin, ['check', '--select', 'MLH106'], { cwd: project, env: cliEnv(), encoding: 'utf8' });
    assert.equal(check.stderr, '');
    assert.equal(check.status, 1);
    assert.match(check.stdout, /^features\/clean\.py:4:8: MLH106 Comparison with np\.nan is always False/m);
    assert.match(check.stdout, /Found 1 finding \(1 error\) in 72 files\.\n$/);
  } finally {
    removeProject(project);
  }
});
