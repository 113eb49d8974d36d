// An open document's analysis keeps results from one version of its text to the next (the node
// objects of the statements an edit left alone, and what was found in them). None of it may hold an
// earlier version's whole text: V8 makes a slice of a string a view that keeps the string, so a
// name or a statement's text kept from each version would keep that version, and memory would grow
// with every edit of a long file. Edits at sixty places of a 5,000-line module (205 kB) kept about
// 23 MB more before the kept texts were copies; the heap is measured after a full collection.
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { before, test } from 'node:test';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { ProjectIndex } from '../../server/src/engine/project';
import { applyChanges } from '../../server/src/engine/python/edits';
import { Edit, initPython } from '../../server/src/engine/python/parser';
import { rangeOf } from '../../server/src/engine/types';
import { longModule } from '../bench/corpus';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

before(initPython);

function heapMB(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / 1e6;
}

test('editing a long module at sixty places keeps no earlier version of its text', () => {
  const file = 'pipeline/train_all.py';
  const analyzer = new Analyzer();
  const analyse = (text: string, edits?: Edit[]) => {
    analyzer.parse(file, text, edits);
    const facts = analyzer.liveFacts(file, text, DEFAULT_CONFIG);
    analyzer.analyzeFile(file, text, new ProjectIndex([{ path: file, kind: kindOf(file), size: text.length }], new Map([[file, facts]])), DEFAULT_CONFIG);
  };
  let text = longModule(5000);
  analyse(text);
  // A first round of edits, so that what every edit keeps anyway (compiled code, caches) is there
  // before the heap is measured.
  const bodyLines = text.split('\n').flatMap((line, i) => (/^ {4}\w/.test(line) ? [i] : []));
  const editAt = (k: number) => {
    // A character typed into a function's body and deleted again: the text is as before, but each
    // version is a new string.
    const line = bodyLines[(k * 7919) % bodyLines.length];
    const typed = applyChanges(text, [{ range: rangeOf(line, 4, line, 4), text: 'x' }]);
    analyse(typed.text, typed.edits);
    const deleted = applyChanges(typed.text, [{ range: rangeOf(line, 4, line, 5), text: '' }]);
    analyse(deleted.text, deleted.edits);
    text = deleted.text;
  };
  // What the analyses keep of the latest versions (a version's statements, until the next one is
  // compared with them) comes and goes: the heap is the least of five, each after an edit.
  const settledHeapMB = (from: number) => Math.min(...[0, 1, 2, 3, 4].map((i) => (editAt(from + i), heapMB())));
  for (let k = 0; k < 10; k++) editAt(k);
  const before = settledHeapMB(10);
  for (let k = 15; k < 75; k++) editAt(k);
  const grown = settledHeapMB(75) - before;
  assert.ok(grown < 8, `the heap grew by ${grown.toFixed(1)} MB over sixty edited places`);
});
