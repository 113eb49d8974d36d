// Peer benchmark: `npm run peers -- <dslinter checkout>`. Reads the test cases of dslinter's checkers
// (tests/checkers/test_*.py) at run time: each test that parses a code string and asserts that the
// checker adds messages (a positive) or none (a negative). Every snippet becomes a project of its
// own (a folder with a requirements file and case.py, with the imports it leaves out added), the
// built CLI checks them all in one run with the rules that stand for the checker, and the table says
// per checker how many positives were found and how many negatives stayed quiet. A benchmark, not a
// test: the checkout comes from the network and nothing of it is kept in this repository.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Node } from 'web-tree-sitter';
import { initPython, parsePython } from '../../server/src/engine/python/parser';
import { RULES } from '../../server/src/rules';

const REPO = path.resolve(__dirname, '../..'); // bundled to out/precision/
const CLI = path.join(REPO, 'bin/ml-hygiene.js');

/** The rules that stand for each dslinter checker (by its test file). Empty: a smell outside the catalog. */
const CHECKER_RULES: Record<string, string[]> = {
  chain_indexing_pandas: ['MLH107'],
  column_selection_pandas: ['MLH102'],
  dataframe_conversion_pandas: ['MLH109'],
  datatype_pandas: ['MLH102'],
  dependent_threshold_pytorch: ['MLH204'],
  dependent_threshold_scikitlearn: ['MLH204'],
  dependent_threshold_tensorflow: ['MLH204'],
  deterministic_pytorch: ['MLH405'],
  forward_pytorch: ['MLH209'],
  gradient_clear_pytorch: ['MLH207'],
  hyperparameters_pytorch: ['MLH205'],
  hyperparameters_scikitlearn: ['MLH205'],
  hyperparameters_tensorflow: ['MLH205'],
  imports: [], // import aliases (pd, np, plt): a naming convention, not an ML practice
  inplace_numpy: ['MLH108'],
  inplace_pandas: ['MLH108'],
  mask_missing_pytorch: ['MLH215'],
  mask_missing_tensorflow: ['MLH215'],
  memory_release_tensorflow: ['MLH214'],
  merge_parameter_pandas: ['MLH103'],
  mode_toggling_pytorch: ['MLH217'],
  nan_numpy: ['MLH106'],
  pipeline_scikitlearn: ['MLH201'],
  randomness_control_dataloader_pytorch: ['MLH404'],
  randomness_control_numpy: ['MLH401'],
  randomness_control_pytorch: ['MLH401'],
  randomness_control_scikitlearn: ['MLH402'],
  randomness_control_tensorflow: ['MLH401'],
  scaler_missing_scikitlearn: ['MLH206'],
  tensor_array_tensorflow: ['MLH216'],
  unnecessary_iteration_pandas: ['MLH111'],
  unnecessary_iteration_tensorflow: ['MLH218'],
};

/** Imports the snippets take for granted, added when a snippet uses the name without binding it. */
const MISSING_IMPORTS: [RegExp, string][] = [
  [/\bpd\./, 'import pandas as pd'],
  [/\bnp\./, 'import numpy as np'],
  [/\btfa\./, 'import tensorflow_addons as tfa'],
  [/\btf\./, 'import tensorflow as tf'],
  [/\btorch\./, 'import torch'],
  [/\bnn\./, 'from torch import nn'],
  [/\bF\./, 'import torch.nn.functional as F'],
  [/\boptim\./, 'from torch import optim'],
  [/\bDataLoader\(/, 'from torch.utils.data import DataLoader'],
  [/\bmetrics\./, 'from sklearn import metrics'],
  [/\bKMeans\(/, 'from sklearn.cluster import KMeans'],
  [/\bNearestNeighbors\(/, 'from sklearn.neighbors import NearestNeighbors'],
  [/\bElasticNet\(/, 'from sklearn.linear_model import ElasticNet'],
  [/\bMinMaxScaler\(/, 'from sklearn.preprocessing import MinMaxScaler'],
  [/\bStandardScaler\(/, 'from sklearn.preprocessing import StandardScaler'],
];

const BINDS = (name: string) => new RegExp(`^\\s*(import\\s.*\\b${name}\\b|from\\s.*import\\s.*\\b${name}\\b)|^\\s*${name}\\s*=`, 'm');

interface PeerCase {
  checker: string;
  test: string;
  expect: 'positive' | 'negative';
  code: string;
}

/** The value of a string literal: prefixes, triple quotes and the escapes the tests use. */
function stringValue(node: Node): string {
  const text = node.text;
  const prefix = /^[a-zA-Z]*/.exec(text)![0].toLowerCase();
  const body = text.slice(prefix.length);
  const quote = body.startsWith('"""') || body.startsWith("'''") ? 3 : 1;
  const inner = body.slice(quote, body.length - quote);
  if (prefix.includes('r')) return inner;
  const escapes: Record<string, string> = { n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"', '\n': '' };
  return inner.replace(/\\([nt\\'"\n])/g, (_, c: string) => escapes[c]);
}

/** A string expression of the test: literals, names bound to strings (the test's or its class's), and `+`. */
function evaluate(node: Node, scope: Map<string, string>): string | undefined {
  switch (node.type) {
    case 'string':
      return stringValue(node);
    case 'concatenated_string':
      return node.namedChildren.map((c) => (c ? evaluate(c, scope) ?? '' : '')).join('');
    case 'identifier':
      return scope.get(node.text);
    case 'attribute':
      return node.childForFieldName('object')?.text === 'self' ? scope.get(node.childForFieldName('attribute')!.text) : undefined;
    case 'parenthesized_expression':
      return node.namedChildren[0] ? evaluate(node.namedChildren[0], scope) : undefined;
    case 'binary_operator': {
      if (node.childForFieldName('operator')?.text !== '+') return undefined;
      const left = evaluate(node.childForFieldName('left')!, scope);
      const right = evaluate(node.childForFieldName('right')!, scope);
      return left !== undefined && right !== undefined ? left + right : undefined;
    }
    default:
      return undefined;
  }
}

/** textwrap.dedent, which astroid applies to the code it is given. */
function dedent(code: string): string {
  const lines = code.split('\n').map((l) => (l.trim() === '' ? '' : l));
  const indents = lines.filter((l) => l !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const common = indents.length > 0 ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(common)).join('\n').replace(/^\n+/, '');
}

function stringAssignments(block: Node, scope: Map<string, string>): void {
  for (const statement of block.namedChildren) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type !== 'identifier' || !right) continue;
    const value = evaluate(right, scope);
    if (value !== undefined) scope.set(left.text, value);
  }
}

function descendants(node: Node, type: string): Node[] {
  return node.descendantsOfType(type).filter((n): n is Node => n !== null);
}

/** The cases of one test file: tests decorated with a changed configuration test a non-default mode and are left out. */
function peerCases(source: string, checker: string): { cases: PeerCase[]; skipped: string[] } {
  const tree = parsePython(source);
  const cases: PeerCase[] = [];
  const skipped: string[] = [];
  for (const cls of descendants(tree.rootNode, 'class_definition')) {
    const classScope = new Map<string, string>();
    const body = cls.childForFieldName('body')!;
    stringAssignments(body, classScope);
    for (const fn of descendants(body, 'function_definition')) {
      const name = fn.childForFieldName('name')!.text;
      if (!name.startsWith('test')) continue;
      const decorated = fn.parent?.type === 'decorated_definition' ? fn.parent.text : '';
      const fnBody = fn.childForFieldName('body')!;
      const adds = fnBody.text.includes('assertAddsMessages');
      const quiet = fnBody.text.includes('assertNoMessages');
      if (adds === quiet) continue; // a test of a helper, not of the checker's messages
      if (/@set_config\([^)]*=\s*True/.test(decorated)) {
        skipped.push(`${checker}.${name} (non-default configuration)`);
        continue;
      }
      const scope = new Map(classScope);
      stringAssignments(fnBody, scope);
      const parse = descendants(fnBody, 'call').find((c) => /^astroid\.(parse|extract_node)$/.test(c.childForFieldName('function')?.text ?? ''));
      const argument = parse?.childForFieldName('arguments')?.namedChildren[0];
      const code = argument ? evaluate(argument, scope) : undefined;
      if (code === undefined) {
        skipped.push(`${checker}.${name} (no code string found)`);
        continue;
      }
      cases.push({ checker, test: name, expect: adds ? 'positive' : 'negative', code: withImports(dedent(code), checker) });
    }
  }
  return { cases, skipped };
}

/** A checker of one framework (`mode_toggling_pytorch`) tests code of that framework, even a snippet that never names it (`net.train()`). */
const FRAMEWORK_IMPORTS: [RegExp, string][] = [
  [/_pytorch$/, 'import torch'],
  [/_tensorflow$/, 'import tensorflow as tf'],
];

function withImports(code: string, checker: string): string {
  const missing = MISSING_IMPORTS.filter(([use, line]) => {
    const alias = line.split(/\s+/).pop()!;
    return use.test(code) && !BINDS(alias).test(code);
  }).map(([, line]) => line);
  for (const [name, line] of FRAMEWORK_IMPORTS) {
    if (name.test(checker) && !missing.includes(line) && !BINDS(line.split(/\s+/).pop()!).test(code)) missing.push(line);
  }
  return missing.length > 0 ? `${missing.join('\n')}\n${code}` : code;
}

interface Finding {
  code: string;
  path: string;
  line: number;
}

function checkAll(root: string, codes: string[]): Finding[] {
  const run = spawnSync(process.execPath, [CLI, 'check', root, '--format', 'json', '--fail-on', 'error', '--no-cache', '--select', codes.join(',')], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0 && run.status !== 1) throw new Error(`ml-hygiene check exited with ${run.status}: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { findings: Finding[] }).findings;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const [checkout] = args.filter((a) => a !== '--verbose');
  const testDir = checkout ? [path.join(checkout, 'dslinter/tests/checkers'), path.join(checkout, 'tests/checkers')].find((d) => fs.existsSync(d)) : undefined;
  if (!testDir) {
    console.error('usage: npm run peers -- <dslinter checkout> [--verbose]   (reads its dslinter/tests/checkers/test_*.py)');
    return 2;
  }
  await initPython();
  const known = new Set(RULES.map((r) => r.code));
  const cases: PeerCase[] = [];
  const skipped: string[] = [];
  for (const file of fs.readdirSync(testDir).filter((f) => /^test_.*\.py$/.test(f)).sort()) {
    const checker = file.replace(/^test_|\.py$/g, '');
    const found = peerCases(fs.readFileSync(path.join(testDir, file), 'utf8'), checker);
    cases.push(...found.cases);
    skipped.push(...found.skipped);
  }

  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-peers-'));
  try {
    cases.forEach((c, i) => {
      const dir = path.join(root, `${String(i).padStart(3, '0')}-${c.checker}-${c.test}`);
      fs.mkdirSync(dir);
      // A requirements file makes each folder a project of its own.
      fs.writeFileSync(path.join(dir, 'requirements.txt'), 'numpy\npandas\nscikit-learn\ntorch\ntensorflow\n');
      fs.writeFileSync(path.join(dir, 'case.py'), c.code);
    });
    const codes = [...new Set(Object.values(CHECKER_RULES).flat())].filter((c) => known.has(c));
    const findings = checkAll(root, codes);
    const byFolder = new Map<string, Finding[]>();
    for (const f of findings) {
      const folder = f.path.split('/')[0];
      byFolder.set(folder, [...(byFolder.get(folder) ?? []), f]);
    }

    console.log(`dslinter checker                        rules                 positives found   negatives quiet`);
    const totals = { pos: 0, posFound: 0, neg: 0, negQuiet: 0 };
    const checkers = [...new Set(cases.map((c) => c.checker))];
    const details: string[] = [];
    for (const checker of checkers) {
      const rules = CHECKER_RULES[checker] ?? [];
      const active = rules.filter((r) => known.has(r));
      let pos = 0, posFound = 0, neg = 0, negQuiet = 0;
      cases.forEach((c, i) => {
        if (c.checker !== checker) return;
        const folder = `${String(i).padStart(3, '0')}-${c.checker}-${c.test}`;
        const hits = (byFolder.get(folder) ?? []).filter((f) => active.includes(f.code));
        const ok = c.expect === 'positive' ? hits.length > 0 : hits.length === 0;
        if (c.expect === 'positive') { pos++; if (ok) posFound++; } else { neg++; if (ok) negQuiet++; }
        if (!ok) details.push(`  ${c.expect === 'positive' ? 'missed ' : 'flagged'} ${checker}.${c.test}${hits.length ? ` (${hits.map((h) => `${h.code} line ${h.line}`).join(', ')})` : ''}`);
        if (verbose && !ok) details.push(c.code.replace(/^/gm, '      | '));
      });
      const ruleText = rules.length === 0 ? '(no rule)' : rules.map((r) => (known.has(r) ? r : `${r}?`)).join(' ');
      console.log(`${checker.padEnd(40)}${ruleText.padEnd(22)}${`${posFound}/${pos}`.padStart(15)}${`${negQuiet}/${neg}`.padStart(18)}`);
      totals.pos += pos; totals.posFound += posFound; totals.neg += neg; totals.negQuiet += negQuiet;
    }
    const pct = (a: number, b: number) => (b === 0 ? '-' : `${Math.round((100 * a) / b)}%`);
    console.log(`${'all'.padEnd(62)}${`${totals.posFound}/${totals.pos}`.padStart(15)}${`${totals.negQuiet}/${totals.neg}`.padStart(18)}`);
    console.log(`\npositives found ${pct(totals.posFound, totals.pos)}, negatives wrongly flagged ${totals.neg - totals.negQuiet} of ${totals.neg}`);
    console.log('A rule code with "?" is not in the catalog yet; "(no rule)" is a checker outside the catalog.');
    if (skipped.length > 0) console.log(`\nLeft out: ${skipped.join(', ')}`);
    if (details.length > 0) console.log(`\nCases that do not pass:\n${details.join('\n')}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 2;
  },
);
