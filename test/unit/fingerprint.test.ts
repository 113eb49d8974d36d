// A function's fingerprint reads its body's tokens from the text: they must be the leaves of its
// syntax tree (strings whole, comments and the docstring left out, parameters renamed), and two
// functions are copies of each other when only their comments, docstring, layout or parameter names
// differ.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { bodyTokens, fingerprint } from '../../server/src/engine/python/fingerprint';
import { Node, PythonModule } from '../../server/src/engine/python/module';
import { initPython, parsePython } from '../../server/src/engine/python/parser';
import { parameterNames } from '../../server/src/engine/python/structure';

before(() => initPython());

function functionsOf(source: string): Node[] {
  return new PythonModule(parsePython(source), source).nodes('function_definition');
}

function onlyFunction(source: string): Node {
  const [def] = functionsOf(source).filter((d) => d.parent?.type === 'module' || d.parent?.parent?.type === 'module');
  return def;
}

/** The leaves of the body's statements as tree-sitter gives them, one walk of its cursor. */
function treeLeaves(def: Node): string[] {
  const renamed = new Map(parameterNames(def).map((p, i) => [p, `$${i}`]));
  const leaves: string[] = [];
  def.childForFieldName('body')!.namedChildren.forEach((statement, i) => {
    const docstring = statement!.type === 'expression_statement' && statement!.namedChildren.length === 1 && statement!.namedChildren[0]!.type === 'string';
    if (i === 0 && docstring) return;
    const cursor = statement!.walk();
    for (let more = true; more; ) {
      const type = cursor.nodeType;
      if (type !== 'comment' && type !== 'string' && cursor.gotoFirstChild()) continue;
      if (type !== 'comment') leaves.push(type === 'identifier' ? (renamed.get(cursor.nodeText) ?? cursor.nodeText) : cursor.nodeText);
      while (more && !cursor.gotoNextSibling()) more = cursor.gotoParent();
    }
    cursor.delete();
  });
  return leaves;
}

const TRICKY: Record<string, string> = {
  'f-strings with nested quotes, format specs and escaped braces': `
def label(row, width):
    return f"{row["name"]!r:>{width}} {{raw}} {row['#']}" + f'{row=}' + f"{ {1: 'a'}[1] }"
`,
  'raw, bytes and triple-quoted strings with escaped quotes': `
def paths(root):
    pattern = r"\\d+\\"" + rb'\\'' + "\\\\\\"" + u"\\N{EM DASH}" + rf"\\{root}"
    notes = """one ' two " three '' four "" five \\""" end"""
    return pattern, notes
`,
  'line continuations, before a string and before code': `
def joined(a, b):
    message = "abc" \\
        "def"
    total = a + \\
        b
    items = [1, \\
             2]
    return message, total, items
`,
  'comments with quotes, a docstring, semicolons and tabs': `
def scale(frame):
    """Scale the frame's columns."""
    frame = frame.copy()  # it's a copy, "really"
    mean = frame.mean(); std = frame.std()  # don't
    return (frame - mean) / std
`,
  'nested functions, decorators and lambdas': `
def outer(model, data):
    @torch.no_grad()
    def inner(batch, *args, **kwargs):
        '''Nested docstrings are code.'''
        return model(batch) ** 2 // 3 @ data
    key = lambda item: item[1:-1, ::2, ...]
    return inner, key
`,
  'numbers, operators and relative imports': `
def numbers(x):
    from ...pkg import thing
    from . import other
    x **= 1_000 + 0x_FF + 1e-5j + .5 + 1. + 0o17 + 0b1 if x is not None and x not in thing else -1
    x //= 2; x >>= 1; x <<= 1; x @= x
    return (y := x) != x
`,
  'a comment line before the docstring keeps it': `
def kept(x):
    # a comment first
    """Then this string is code."""
    return x
`,
  'python 2 and an unclosed string': `
def legacy(z):
    print "py2", z
    s = "unclosed
    return \`z\`
`,
};

describe('function fingerprints', () => {
  for (const [name, source] of Object.entries(TRICKY)) {
    test(`the tokens read from the text are the tree's leaves: ${name}`, () => {
      const def = onlyFunction(source);
      assert.deepEqual(bodyTokens(def), treeLeaves(def));
    });
  }

  test('comments, the docstring, layout and parameter names do not change a fingerprint', () => {
    const original = `
def add_ratio(frame, numerator, denominator):
    frame["ratio"] = frame[numerator] / frame[denominator].replace(0, np.nan)
    return frame.fillna({"ratio": 0.0})
`;
    const rewritten = `
def add_ratio(df, num, den):
    """Adds the ratio column, "safely"."""
    # don't divide by zero: it's a NaN
    df["ratio"] = df[num] / df[den].replace(
        0,
        np.nan  # keep the row
    )
    return df.fillna({"ratio": 0.0})
`;
    const a = fingerprint(onlyFunction(original), true);
    const b = fingerprint(onlyFunction(rewritten), true);
    assert.notEqual(a.bodyHash, '');
    assert.equal(a.bodyHash, b.bodyHash);
    assert.equal(a.writesColumns, true);
  });

  test('a change in a string, an operator or a name inside an f-string does change it', () => {
    const body = (line: string) => `
def describe(frame, column):
    summary = frame[column].describe()
    ${line}
    return summary
`;
    const hashes = [
      body('summary.name = f"{column}: {summary["mean"]:.2f}"'),
      body('summary.name = f"{column}: {summary["mean"]:.3f}"'),
      body('summary.name = f"{column}: {summary["max"]:.2f}"'),
      body('summary.name = f"{column} - {summary["mean"]:.2f}"'),
      body('summary.name += f"{column}: {summary["mean"]:.2f}"'),
    ].map((source) => fingerprint(onlyFunction(source), true).bodyHash);
    assert.equal(new Set(hashes).size, hashes.length);
  });

  test('a quote inside a comment does not hide the code after it', () => {
    const withComment = `
def clean(frame):
    frame = frame.dropna()  # drop the rows that don't have a "label
    frame["label"] = frame["label"].astype(int)
    return frame
`;
    const otherCode = withComment.replace('astype(int)', 'astype(str)');
    assert.notEqual(fingerprint(onlyFunction(withComment), true).bodyHash, fingerprint(onlyFunction(otherCode), true).bodyHash);
  });

  test('a body of fewer than twelve tokens has no fingerprint', () => {
    assert.equal(fingerprint(onlyFunction('def double(x):\n    """Twice x."""\n    return x * 2\n'), true).bodyHash, '');
  });

  test('a function is hashed where MLH502 compares bodies: in a training module, or when it computes features', () => {
    const logger = `
def log_metrics(writer, metrics, step):
    for name, value in metrics.items():
        writer.add_scalar(name, value, global_step=step)
`;
    assert.equal(fingerprint(onlyFunction(logger), false).bodyHash, ''); // not feature code, outside training
    assert.notEqual(fingerprint(onlyFunction(logger), true).bodyHash, ''); // the same text in a training module
    const features = logger.replace('log_metrics', 'prepare_features');
    assert.notEqual(fingerprint(onlyFunction(features), false).bodyHash, ''); // feature code, by its name
  });
});
