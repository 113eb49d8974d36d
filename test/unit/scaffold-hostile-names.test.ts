// The scaffold with names a user may type (or an attacker may pass through the language server):
// every generated file must parse, and must say the same as the scaffold of a tame name once the
// name (and the package made from it) are set aside: so the name is a value everywhere, a string in
// Python, a scalar in YAML, text in Markdown, never syntax.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { initPython } from '../../server/src/engine/python/parser';
import { applyScaffold, obstaclesIn } from '../../server/src/scaffold/apply';
import { NAME_MAX_CHARS, packageNameOf, planScaffold } from '../../server/src/scaffold/plan';
import { runCli } from '../support/cli';
import { markdownTokens } from '../support/markdown';
import { assertScaffoldSaysWhatTameSays, HOSTILE_PROJECT_NAMES as HOSTILE, pythonTokens, scaffoldFiles as scaffold, TAME_PROJECT_NAME as TAME } from '../support/scaffoldMeaning';

const temps: string[] = [];
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});
before(initPython);

test('every generated file of a hostile name parses and says what the tame scaffold says', () => {
  assert.ok(HOSTILE.some((name) => [...name].length === NAME_MAX_CHARS), 'the longest name allowed is among them');
  for (const name of HOSTILE) assertScaffoldSaysWhatTameSays(name);
});

test('the name comes back as the value it is: the API title, the headings', () => {
  for (const name of HOSTILE) {
    const files = scaffold(name);
    const strings = pythonTokens(files.get(`Code/${packageNameOf(name)}/serve.py`)!, 'serve.py').filter((t) => t.type === 'string');
    assert.ok(strings.some((t) => t.text === name), `the title of ${JSON.stringify(name)}`);
    const heading = markdownTokens(files.get('README.md')!)[1];
    assert.equal(heading.children!.map((t) => t.content).join(''), name);
  }
});

test('the package is an identifier Python accepts, no module the starter code imports, no name Windows reserves', () => {
  assert.equal(packageNameOf('Class'), 'class_');
  assert.equal(packageNameOf('YAML'), 'yaml_');
  assert.equal(packageNameOf('CON'), 'con_');
  assert.equal(packageNameOf('Classifier'), 'classifier');
  for (const name of ['Class', 'import', 'CON', 'lpt1']) {
    for (const [file, text] of scaffold(name)) if (file.endsWith('.py')) pythonTokens(text, file);
  }
  const imported = new Set<string>();
  for (const [file, text] of scaffold(TAME)) {
    if (!file.endsWith('.py')) continue;
    for (const [, module] of text.matchAll(/^(?:from|import) (\w+)/gm)) imported.add(module);
  }
  imported.delete(packageNameOf(TAME));
  assert.ok(imported.has('pandas') && imported.has('yaml'), [...imported].join(', '));
  for (const module of imported) {
    const files = scaffold(module);
    const pkg = packageNameOf(module);
    assert.notEqual(pkg, module);
    const serve = pythonTokens(files.get(`Code/${pkg}/serve.py`)!, 'serve.py');
    assert.ok(serve.some((t) => t.type === 'identifier' && t.text === pkg));
  }
});

test('the command line writes valid Python for a name with quotes and refuses one with a line break', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-scaffold-names-'));
  temps.push(base);
  const quoted = runCli(['scaffold', 'tdsp', 'quote', '--name', `Bob's "churn" model`], base);
  assert.equal(quoted.status, 0, quoted.stderr);
  const serve = fs.readFileSync(path.join(base, 'quote/Code/bob_s_churn_model/serve.py'), 'utf8');
  assert.match(serve, /^app = FastAPI\(title="Bob's \\"churn\\" model"\)$/m);

  const code = runCli(['scaffold', 'tdsp', 'code', '--name', 'x"""\nimport os; os.system("echo pwned")\n"""'], base);
  assert.equal(code.status, 2);
  assert.match(code.stderr, /--name: the project name holds control characters/);
  assert.equal(fs.existsSync(path.join(base, 'code')), false, 'nothing is written');
});

const python = spawnSync('python3', ['--version']).status === 0;

test('CPython compiles every generated file and reads the name back', { skip: !python && 'no python3 on this machine' }, () => {
  const check = `
import ast, json, pathlib, sys
root = pathlib.Path(sys.argv[1])
for file in root.rglob("*.py"):
    ast.parse(file.read_text(encoding="utf-8"), str(file))
serve = next(root.rglob("serve.py"))
calls = [n for n in ast.walk(ast.parse(serve.read_text(encoding="utf-8"))) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "FastAPI"]
init = next(root.rglob("__init__.py"))
print(json.dumps([calls[0].keywords[0].value.value, ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")), clean=False)]))
`;
  for (const name of HOSTILE) {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-scaffold-py-'));
    temps.push(root);
    applyScaffold(root, planScaffold(obstaclesIn(root), { name, root }));
    const result = spawnSync('python3', ['-c', check, root], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), [name, `${name}: data contract, features, training and serving.`]);
  }
});
