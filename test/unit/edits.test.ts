// Editor changes -> edits (which move findings with the text until fresh ones arrive), and the re-parse
// of an edited document: after each change, its tree must be the tree a fresh parse of the new text
// gives, node for node and position for position.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analyzer } from '../../server/src/engine/analyze';
import { applyChange, applyChanges, shiftRange, TextChange } from '../../server/src/engine/python/edits';
import type { Node } from 'web-tree-sitter';
import { Edit, initPython, parsePython, pythonParser, Tree } from '../../server/src/engine/python/parser';
import { updateWithEdits } from '../../server/src/lsp/documents';
import { LineIndex, withUnixLineEnds } from '../../server/src/engine/text';
import { rangeOf } from '../../server/src/engine/types';

const SOURCE = `"""Training entry point."""
import numpy as np
import pandas as pd

df = pd.read_csv("data/train.csv")
label = "café ☕"  # non-ASCII keeps UTF-16 columns honest


def clean(frame):
    missing = frame[frame["income"] == np.nan]
    return frame.dropna()
`;

/** Every node with its type and its positions: a tree that is right only in shape does not pass. */
function shape(tree: Tree): string[] {
  const out: string[] = [];
  const visit = (n: Node, depth: number) => {
    out.push(`${'  '.repeat(depth)}${n.type} ${n.startIndex}-${n.endIndex} ${n.startPosition.row}:${n.startPosition.column}-${n.endPosition.row}:${n.endPosition.column}`);
    for (const child of n.children) if (child) visit(child, depth + 1);
  };
  visit(tree.rootNode, 0);
  return out;
}

/** The tokens of a tree (nodes without children), in document order. */
function leaves(tree: Tree): Node[] {
  const out: Node[] = [];
  const visit = (node: Node) => {
    if (node.childCount === 0) out.push(node);
    for (const child of node.children) if (child) visit(child);
  };
  visit(tree.rootNode);
  return out;
}

// Each step is a batch of changes as an editor sends them in one didChange.
const STEPS: { name: string; changes: TextChange[] }[] = [
  { name: 'insert a character', changes: [{ range: rangeOf(4, 2, 4, 2), text: '_raw' }] },
  { name: 'type a new line at the end', changes: [{ range: rangeOf(11, 0, 11, 0), text: 'print(df.shape)\n' }] },
  { name: 'replace across lines', changes: [{ range: rangeOf(9, 14, 10, 11), text: 'frame.isna()\n    return' }] },
  { name: 'edit after non-ASCII text on the same line', changes: [{ range: rangeOf(5, 14, 5, 15), text: '🍵' }] },
  { name: 'delete a whole line', changes: [{ range: rangeOf(2, 0, 3, 0), text: '' }] },
  {
    name: 'several changes in one batch',
    changes: [
      { range: rangeOf(0, 3, 0, 11), text: 'Scoring' },
      { range: rangeOf(7, 4, 7, 9), text: 'prepare' },
      { range: rangeOf(1, 0, 1, 0), text: 'import math\n' },
    ],
  },
  { name: 'break the syntax', changes: [{ range: rangeOf(8, 20, 8, 20), text: '(((' }] },
  { name: 'repair it', changes: [{ range: rangeOf(8, 20, 8, 23), text: '' }] },
  { name: 'character beyond the end of the line', changes: [{ range: rangeOf(1, 400, 1, 400), text: '  # math' }] },
  { name: 'paste several lines in the middle of a line', changes: [{ range: rangeOf(4, 2, 4, 2), text: ' = 0\nx = 1\ny = 2\nz' }] },
  { name: 'a line with a Windows line ending', changes: [{ range: rangeOf(0, 0, 0, 0), text: 'import os\r\n' }] },
  { name: 'character beyond the end of a \\r\\n line', changes: [{ range: rangeOf(0, 99, 0, 99), text: ', sys' }] },
  { name: 'a line with an old Mac line ending (a lone \\r)', changes: [{ range: rangeOf(0, 0, 0, 0), text: 'import sys\r' }] },
  { name: 'an edit on the line after a lone \\r', changes: [{ range: rangeOf(1, 7, 1, 9), text: 'io' }] },
  { name: 'replace the whole text', changes: [{ text: 'x = 1\nif x == float("nan"):\n    pass\n' }] },
];

describe('editor changes to tree-sitter edits', () => {
  before(() => initPython());

  test('the new text is what an editor makes of the same changes', () => {
    let document = TextDocument.create('file:///train.py', 'python', 0, SOURCE);
    let text = SOURCE;
    for (const [i, step] of STEPS.entries()) {
      text = applyChanges(text, step.changes).text;
      document = TextDocument.update(document, step.changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })), i + 1);
      assert.equal(text, document.getText(), step.name);
    }
  });

  test("an open document's edits, read with its own lines, are those of the same changes made to its text", () => {
    let document = TextDocument.create('file:///train.py', 'python', 0, SOURCE);
    let text = SOURCE;
    for (const [i, step] of STEPS.entries()) {
      const applied = applyChanges(text, step.changes);
      const edits: Edit[] = [];
      document = updateWithEdits(document, step.changes.map((c) => (c.range ? { range: c.range, text: c.text } : { text: c.text })), i + 1, edits);
      assert.deepEqual(edits, applied.edits, step.name);
      assert.equal(document.getText(), applied.text, step.name);
      text = applied.text;
    }
  });

  test('the line index of an edited text, made from the one before, is that of the text', () => {
    const positions = (lines: LineIndex) => Array.from({ length: lines.text.length + 1 }, (_, offset) => lines.positionAt(offset));
    // Every character inserted or deleted at every place of a text with each kind of line end (an
    // \r and a \n on the two sides of an edit may make one line end, or two).
    const text = 'x = 1\r\ny = 2\rz = 3\n\nw\r';
    for (let at = 0; at <= text.length; at++) {
      for (const edited of [...['\n', '\r', 'a', '\r\n'].map((c) => text.slice(0, at) + c + text.slice(at)), text.slice(0, at) + text.slice(at + 1)]) {
        const before = new LineIndex(text);
        assert.deepEqual(positions(new LineIndex(edited, before)), positions(new LineIndex(edited)), JSON.stringify(edited));
      }
    }
    // And the texts of the editor's steps, one after the other.
    let lines = new LineIndex(SOURCE);
    for (const step of STEPS) {
      const next = applyChanges(lines.text, step.changes).text;
      lines = new LineIndex(next, lines);
      assert.deepEqual(positions(lines), positions(new LineIndex(next)), step.name);
    }
  });

  test('an incremental parse gives the tree of a fresh parse, step after step', () => {
    let text = SOURCE;
    let tree = parsePython(text);
    // Indexed, as the analyses index it: a re-parse takes over what it can of the index.
    shape(tree);
    for (const step of STEPS) {
      const applied = applyChanges(text, step.changes);
      const incremental = parsePython(applied.text, tree);
      const fresh = parsePython(applied.text);
      assert.deepEqual(shape(incremental), shape(fresh), step.name);
      tree.delete();
      fresh.delete();
      tree = incremental;
      text = applied.text;
    }
    tree.delete();
  });

  test('after tree.edit, every token the change did not touch sits where its text now is', () => {
    let text = SOURCE;
    for (const step of STEPS) {
      for (const change of step.changes) {
        const tree = pythonParser().parse(withUnixLineEnds(text))!;
        const applied = applyChange(text, change);
        const { edit } = applied;
        const before = leaves(tree).map((n) => ({ text: n.text, start: n.startIndex, end: n.endIndex }));
        tree.edit(edit);
        const after = leaves(tree);
        // Rows as the parser counts them: it is given each lone \r as \n.
        const newLines = withUnixLineEnds(applied.text).split('\n');
        const pointAt = (offset: number) => {
          let row = 0;
          let rest = offset;
          while (rest > newLines[row].length) rest -= newLines[row++].length + 1;
          return { row, column: rest };
        };
        let checked = 0;
        before.forEach((old, i) => {
          if (!(old.end < edit.startIndex || old.start > edit.oldEndIndex)) return;
          const node = after[i];
          assert.equal(applied.text.slice(node.startIndex, node.endIndex), old.text, `${step.name}: token ${JSON.stringify(old.text)}`);
          assert.deepEqual(node.startPosition, pointAt(node.startIndex), `${step.name}: position of ${JSON.stringify(old.text)}`);
          assert.deepEqual(node.endPosition, pointAt(node.endIndex), `${step.name}: end of ${JSON.stringify(old.text)}`);
          checked++;
        });
        assert.ok(checked > 0 || !change.range, `${step.name}: some tokens are outside the change`);
        tree.delete();
        text = applied.text;
      }
    }
  });

  test('the Analyzer re-parses its cached tree incrementally with the edits', () => {
    const incremental = new Analyzer();
    let text = SOURCE;
    incremental.parse('train.py', text);
    for (const step of STEPS) {
      const applied = applyChanges(text, step.changes);
      const parsed = incremental.parse('train.py', applied.text, applied.edits);
      const fresh = new Analyzer().parse('train.py', applied.text);
      assert.ok(parsed.kind === 'python' && fresh.kind === 'python');
      assert.deepEqual(shape(parsed.module.tree), shape(fresh.module.tree), step.name);
      text = applied.text;
    }
  });

  test('positions are UTF-16 code units', () => {
    const { edit } = applyChange('a = "☕🍵"\nb = 2\n', { range: rangeOf(0, 8, 1, 1), text: 'x\ny' });
    // 🍵 is two code units, so the closing quote is at column 8.
    assert.deepEqual(edit, {
      startIndex: 8,
      oldEndIndex: 11,
      newEndIndex: 11,
      startPosition: { row: 0, column: 8 },
      oldEndPosition: { row: 1, column: 1 },
      newEndPosition: { row: 1, column: 1 },
    });
  });

  describe('a finding of the text before the edits, where the edits move it', () => {
    // `missing = frame[frame["income"] == np.nan]`: the comparison on line 9.
    const comparison = rangeOf(9, 20, 9, 43);
    const moved = (...changes: TextChange[]) => shiftRange(comparison, applyChanges(SOURCE, changes).edits);

    test('lines inserted above move it down', () => {
      assert.deepEqual(moved({ range: rangeOf(7, 0, 7, 0), text: 'SEED = 7\n\n' }), rangeOf(11, 20, 11, 43));
    });

    test('lines deleted above move it up', () => {
      assert.deepEqual(moved({ range: rangeOf(4, 0, 6, 0), text: '' }), rangeOf(7, 20, 7, 43));
    });

    test('text typed before it on its line moves its columns', () => {
      assert.deepEqual(moved({ range: rangeOf(9, 4, 9, 4), text: 'rows_' }), rangeOf(9, 25, 9, 48));
    });

    test('an edit after it, or typing at its end, leaves it', () => {
      assert.deepEqual(moved({ range: rangeOf(10, 0, 10, 0), text: '    # keep\n' }), comparison);
      assert.deepEqual(moved({ range: rangeOf(9, 43, 9, 43), text: ' ' }), comparison);
    });

    test('text replaced inside it shrinks it to the end of the new text', () => {
      assert.deepEqual(moved({ range: rangeOf(9, 30, 9, 50), text: ')' }), rangeOf(9, 20, 9, 31));
    });

    test('edits apply in order', () => {
      assert.deepEqual(moved({ range: rangeOf(0, 0, 0, 0), text: '\n' }, { range: rangeOf(10, 0, 10, 4), text: '' }), rangeOf(10, 16, 10, 39));
    });
  });
});
