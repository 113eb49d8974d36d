// Which packages a module imports: rules and roles ask it of a module and of the project's facts.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { isInPackage, PythonModule } from '../../server/src/engine/python/module';
import { initPython, parsePython } from '../../server/src/engine/python/parser';

before(() => initPython());

describe('imported packages', () => {
  test('a package is imported by itself or by one of its modules, not by a name that only starts alike', () => {
    const source = `import sklearn.svm
import torchvision
from lightning_fabric import Fabric
import pandas as pd
`;
    const module = new PythonModule(parsePython(source), source);
    assert.equal(module.importsPackage('sklearn'), true);
    assert.equal(module.importsPackage('sklearn.svm'), true);
    assert.equal(module.importsPackage('pandas'), true);
    assert.equal(module.importsPackage('torch'), false);
    assert.equal(module.importsPackage('lightning'), false);
    assert.equal(module.importsPackage('sklearn.svm.SVC'), false);
  });

  test('a dotted name is in a package when it is the package or continues it after a dot', () => {
    assert.equal(isInPackage('tensorflow.keras.layers', 'tensorflow'), true);
    assert.equal(isInPackage('tensorflow', 'tensorflow'), true);
    assert.equal(isInPackage('tensorflow_addons', 'tensorflow'), false);
    assert.equal(isInPackage('tensor', 'tensorflow'), false);
  });
});
