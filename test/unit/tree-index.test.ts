// The tree index answers the steps from a node to others (children, fields, parent) and a node's
// text and end without asking tree-sitter: its answers must be tree-sitter's own, node for node, and
// each must be the index's one object for its node.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import type { Node } from 'web-tree-sitter';
import { applyChanges } from '../../server/src/engine/python/edits';
import { initPython, nodesOfType, parsePython, rootOf, treeSitterRoots, TYPES_WITH_ANONYMOUS_FIELDS } from '../../server/src/engine/python/parser';
import { rangeOf } from '../../server/src/engine/types';
import { longModule } from '../bench/corpus';
import { REPO } from '../support/project';
import { namedNodes } from '../support/syntaxTree';

// Fields on named and on anonymous children (the operators), aliased nodes (`as_pattern_target`),
// text beyond the Basic Multilingual Plane (UTF-16 offsets), Windows line ends, and a syntax error.
const SOURCE = [
  '"""Train the churn model 📈."""',
  'from sklearn.model_selection import train_test_split as split, KFold',
  'import numpy as np',
  '',
  'def train(frame, *, seed: int = 42) -> "Model":',
  '    label = "churn 🚀"',
  '    features = frame.drop(columns=[label]).fillna(0) * 2 + np.log1p(frame["income"])',
  '    if 0 < seed <= 100 and not frame.empty:',
  '        x_train, x_test = split(features, test_size=0.2, random_state=seed)',
  '    with open("metrics.json", "w") as out:',
  '        out.write(f"{seed!r:>4}")',
  '    seed += 1',
  '    return {"model": lambda x: x ** 2, **extra}',
  '',
  'scores = [s for s in range(10) if s % 2]',
  'broken = model.fit(x_train,, y_train',
].join('\r\n');

/** A node by what it is and where, whoever made its object. */
function describeNode(node: Node | null | undefined): string {
  return node ? `${node.type}@${node.startIndex}-${node.endIndex}` : '-';
}

describe('the syntax tree index', () => {
  before(() => initPython());

  test("answers as tree-sitter does, with the index's objects", () => {
    const indexed = parsePython(SOURCE);
    // The same text parsed again and never indexed: its steps are tree-sitter's own.
    const plain = parsePython(SOURCE);
    const nodes = namedNodes(rootOf(indexed)).slice(1);
    // The text has a syntax error: it was parsed statement by statement, a tree for each.
    const roots = treeSitterRoots(plain);
    assert.ok(roots.length > 5, `${roots.length} trees`);
    const plainNodes = roots.flatMap((root) => namedNodes(root).slice(root.isError ? 0 : 1));
    assert.deepEqual(nodes.map(describeNode), plainNodes.map(describeNode));
    assert.ok(nodes.some((n) => n.type === 'ERROR'), 'the broken line gives an ERROR node');
    const fields = indexed.language.fields.filter((f): f is string => f !== null);
    const own = new Set(nodes);
    let answered = 0;
    nodes.forEach((node, i) => {
      const plainNode = plainNodes[i];
      assert.equal(node.text, plainNode.text);
      assert.deepEqual(node.startPosition, plainNode.startPosition);
      assert.equal(node.namedChildCount, plainNode.namedChildCount, `${describeNode(node)}'s named children`);
      for (const type of ['identifier', 'call']) assert.deepEqual(node.descendantsOfType(type).map(describeNode), plainNode.descendantsOfType(type).map(describeNode));
      // A statement is a child of the module, whichever of tree-sitter's trees it comes from (an ERROR
      // root is one of the module's statements).
      const plainParent = plainNode.parent;
      if (plainParent && (plainParent.parent || plainParent.isError)) assert.equal(describeNode(node.parent), describeNode(plainParent));
      else assert.equal(node.parent === rootOf(indexed), true, `${describeNode(node)} is a statement`);
      for (const field of fields) {
        const child = node.childForFieldName(field);
        const children = node.childrenForFieldName(field);
        assert.equal(describeNode(child), describeNode(plainNode.childForFieldName(field)), `${describeNode(node)}.${field}`);
        assert.deepEqual(children.map(describeNode), plainNode.childrenForFieldName(field).map(describeNode), `${describeNode(node)}.${field}s`);
        if (!child) continue;
        answered++;
        assert.equal(children[0], child);
        assert.equal(child.parent, node, `${describeNode(node)}.${field} leads back to it`);
        if (child.isNamed) assert.ok(own.has(child), `${describeNode(node)}.${field} is the index's object`);
      }
    });
    assert.ok(answered > 80, `${answered} fields answered`);
    const operators = nodes.filter((n) => n.type === 'binary_operator').map((n) => n.childForFieldName('operator')?.text);
    assert.deepEqual(operators, ['+', '*', '**', '%']);
    const label = nodes.find((n) => n.type === 'string' && n.text.includes('🚀'))!;
    assert.equal(label.text, '"churn 🚀"');
  });

  test('asks the field of an anonymous child under every node type whose fields may hold one, as the grammar lists them', () => {
    const nodeTypes = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/tree-sitter-python/src/node-types.json'), 'utf8')) as {
      type: string;
      fields?: Record<string, { types: { type: string; named: boolean }[] }>;
    }[];
    const withAnonymousFields = nodeTypes.filter((t) => Object.values(t.fields ?? {}).some((f) => f.types.some((child) => !child.named))).map((t) => t.type);
    assert.deepEqual([...TYPES_WITH_ANONYMOUS_FIELDS].sort(), withAnonymousFields.sort());
  });

  test('of a tree re-parsed after each keystroke answers as that of a fresh parse', () => {
    let text = longModule(120);
    const lines = text.split('\n');
    const def = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('def '));
    const typed = (line: number, column: number, characters: string) => [...characters].map((c, i) => ({ range: rangeOf(line, column + i, line, column + i), text: c }));
    const erased = (line: number, column: number, count: number) => Array.from({ length: count }, (_, i) => ({ range: rangeOf(line, column + count - i - 1, line, column + count - i), text: '' }));
    // A line typed above a function, then inside it a bracket and a string opened and closed again:
    // while they are open, tree-sitter's recovery parses what follows in other ways.
    const keystrokes = [...typed(def, 0, 'extra = scale(1) * 2\n'), ...typed(def + 2, 4, '(['), ...erased(def + 2, 4, 2), ...typed(def + 3, 0, '"""x'), ...erased(def + 3, 0, 4)];
    let tree = parsePython(text);
    rootOf(tree);
    for (const keystroke of keystrokes) {
      const { text: next } = applyChanges(text, [keystroke]);
      const step = `${JSON.stringify(keystroke.text)} at ${keystroke.range.start.line}:${keystroke.range.start.character}`;
      const reparsed = parsePython(next, tree);
      tree.delete();
      const plain = parsePython(next);
      const nodes = namedNodes(rootOf(reparsed));
      const plainNodes = namedNodes(rootOf(plain));
      assert.deepEqual(nodes.map(describeNode), plainNodes.map(describeNode), step);
      nodes.forEach((node, n) => {
        const plainNode = plainNodes[n];
        assert.equal(describeNode(node.parent), describeNode(plainNode.parent), step);
        plainNode.namedChildren.forEach((child, c) => {
          const field = plainNode.fieldNameForNamedChild(c);
          if (field) assert.equal(describeNode(node.childForFieldName(field)), describeNode(plainNode.childForFieldName(field)), `${step}: ${describeNode(node)}.${field}`);
          assert.equal(node.namedChildren[c]?.parent, node, `${step}: ${describeNode(child)} leads back to ${describeNode(node)}`);
        });
      });
      for (const type of new Set(plainNodes.map((node) => node.type))) {
        assert.deepEqual(nodesOfType(reparsed, type).map(describeNode), nodesOfType(plain, type).map(describeNode), `${step}: the nodes of type ${type}`);
      }
      plain.delete();
      text = next;
      tree = reparsed;
    }
    tree.delete();
  });

  test("of a module before an edit is not read as the new module's (the old module is not to be read again)", () => {
    const text = ['import numpy as np', '', 'def scale(x):', '    return np.log1p(x) * 2', ''].join('\n');
    const tree = parsePython(text);
    const [call] = nodesOfType(tree, 'call'); // np.log1p(x), in the statement the edit changes
    const edited = parsePython(text.replace('* 2', '* 3'), tree);
    tree.delete();
    // Its named children were not asked before the edit: the index they would come from is the new one's.
    assert.throws(() => call.namedChildren, /edited or deleted since/);
    const [newCall] = nodesOfType(edited, 'call');
    assert.deepEqual(newCall.namedChildren.map(describeNode), ['attribute@45-53', 'argument_list@53-56']);
    edited.delete();
  });

  test('of a deleted module lets go of the links between its objects (a deleted tree is not to be read)', () => {
    const tree = parsePython('import numpy as np\n\nscores = np.log1p(x) * 2\n');
    const [call] = nodesOfType(tree, 'call');
    assert.deepEqual(call.namedChildren.map(describeNode), ['attribute@29-37', 'argument_list@37-40']);
    assert.equal(describeNode(call.parent), 'binary_operator@29-44');
    tree.delete();
    // An old object keeps the young ones it links to alive through V8's young collections, dead or
    // not: the nodes of a deleted tree lead nowhere.
    assert.equal(call.parent, null);
    assert.throws(() => call.namedChildren, /edited or deleted since/);
  });
});
