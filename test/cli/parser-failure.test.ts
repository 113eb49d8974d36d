// A trap of tree-sitter's wasm runtime leaves it broken for the rest of its thread. The check must
// lose only the file it was parsing: that file gets a note, as an unreadable one does, and every
// other file its findings, whether the trap was in a worker thread (a large project) or in the
// command's own thread (a small one).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PARSER_FAILED_NOTICE } from '../../server/src/engine/python/parserFailure';
import { checkJson, CRASH } from '../support/cli';
import { parserTrapEnv, TRAP_COMMENT } from '../support/parserTrap';
import { makeProject, removeProject, Tree } from '../support/project';

/** A feature step of a pipeline, with one MLH106 finding (a comparison with NaN). */
function featureStep(i: number, comment = ''): string {
  return `import numpy as np
import pandas as pd
${comment}

def fill_column_${i}(frame: pd.DataFrame) -> pd.DataFrame:
    values = frame["feature_${i}"]
    frame["feature_${i}"] = np.where(values == np.nan, 0.0, values)
    return frame
`;
}

/** `count` feature steps, the one at `trapped` holding the comment that makes the parser trap. */
function pipeline(count: number, trapped: number): Tree {
  const files: Tree = { 'requirements.txt': 'numpy==1.26.4\npandas==2.2.2\n' };
  for (let i = 0; i < count; i++) files[`features/step_${String(i).padStart(2, '0')}.py`] = featureStep(i, i === trapped ? TRAP_COMMENT : '');
  return files;
}

for (const [kind, count] of [
  ['a large project (worker threads)', 90],
  ["a small project (the command's own thread)", 5],
] as const) {
  describe(`a parser trap in ${kind}`, () => {
    const trapped = `features/step_${String(Math.floor(count / 2)).padStart(2, '0')}.py`;
    let root: string;
    before(() => (root = makeProject(pipeline(count, Math.floor(count / 2)))));
    after(() => removeProject(root));

    test('loses only the file being parsed, with a note, and the exit status is unchanged', () => {
      const expected = checkJson(['--no-cache'], root);
      const run = checkJson(['--no-cache'], root, parserTrapEnv());
      assert.doesNotMatch(run.stderr, CRASH);
      assert.deepEqual(run.report.notices, [{ path: trapped, message: PARSER_FAILED_NOTICE }]);
      assert.equal(run.stderr.trim(), `${trapped}: note: ${PARSER_FAILED_NOTICE}`);
      assert.deepEqual(
        run.report.findings,
        expected.report.findings.filter((f) => f.path !== trapped),
      );
      assert.equal(run.report.findings.filter((f) => f.code === 'MLH106').length, count - 1, 'every other step has its finding');
      assert.equal(run.status, expected.status);
    });

    test('the failure is not cached: the next check analyses the file', () => {
      checkJson([], root, parserTrapEnv());
      const next = checkJson([], root);
      assert.deepEqual(next.report.notices, []);
      assert.equal(next.report.findings.filter((f) => f.path === trapped && f.code === 'MLH106').length, 1);
    });
  });
}
