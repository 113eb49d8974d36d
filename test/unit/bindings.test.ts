// Which bindings reach a use of a name: the latest one before it in its own scope, else every one of
// the enclosing scope that binds the name; `self.` attributes per class.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { bindingsOf } from '../../server/src/engine/python/bindings';
import { PythonModule } from '../../server/src/engine/python/module';
import { initPython, parsePython } from '../../server/src/engine/python/parser';

before(() => initPython());

/** What reaches the read of `name` on the line that ends with `# <- here`: each binding's value as
 *  written, `?` for a binding without one (a parameter, a loop target, unpacking). */
function reachingRead(source: string, name: string): string[] | undefined {
  const module = new PythonModule(parsePython(source), source);
  const line = source.split('\n').findIndex((l) => l.endsWith('# <- here'));
  const use = [...module.nodes('identifier'), ...module.nodes('attribute')].find((n) => n.startPosition.row === line && n.text === name);
  assert.ok(use, `no ${name} on the marked line`);
  return bindingsOf(module).reaching(use)?.map((b) => b.value?.text ?? '?');
}

describe('bindings', () => {
  test('in its own scope, a read sees the latest binding before it', () => {
    const source = `df = load("a.csv")
df = df.dropna()
print(df)  # <- here
df = load("b.csv")
`;
    assert.deepEqual(reachingRead(source, 'df'), ['df.dropna()']);
  });

  test('a chain binds each name to the value; unpacking and loops bind without one', () => {
    const source = `a = b = 3
x, y = pair()
for row in rows:
    pass
print(a, b, x, row)  # <- here
`;
    assert.deepEqual(reachingRead(source, 'b'), ['3']);
    assert.deepEqual(reachingRead(source, 'x'), ['?']);
    assert.deepEqual(reachingRead(source, 'row'), ['?']);
  });

  test('in a function, a name it does not bind gets every binding of the module, a parameter its own', () => {
    const source = `path = "a.csv"

def load(sep=","):
    return read(path, sep)  # <- here

path = "b.csv"
`;
    assert.deepEqual(reachingRead(source, 'path'), ['"a.csv"', '"b.csv"']);
    assert.deepEqual(reachingRead(source, 'sep'), ['?']);
  });

  test('names of a class body are not seen in its methods; attributes of self are, from any method', () => {
    const source = `scale = 2

class Model:
    scale = 10

    def fit(self, data):
        self.mean = data.mean()

    def predict(self, data):
        return (data - self.mean) * scale  # <- here
`;
    assert.deepEqual(reachingRead(source, 'scale'), ['2']);
    assert.deepEqual(reachingRead(source, 'self.mean'), ['data.mean()']);
  });
});
