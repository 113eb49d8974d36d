// Work grows linearly with the input (issue "Never slow on any input"). For each shape of input that
// once made the analysis super-linear, the work the engine counts (budget.ts: syntax nodes stepped
// through, characters copied and scanned) to check a project of size 2n stays within GROWTH times
// the work for size n. Work, not time: the count is the same on any machine, however busy.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { workDone } from '../../server/src/engine/budget';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { INPUT_SHAPES } from '../support/inputShapes';
import { makeProject, removeProject } from '../support/project';

/** Twice the input may cost a little more than twice the work (sorting, lookups by bisection). */
const GROWTH = 2.5;

before(() => initPython());

/** The work of checking the files as a project with every rule selected, and its notices. */
async function check(files: Record<string, string>): Promise<{ work: number; notices: string[] }> {
  const root = makeProject({ ...files, '.ml-hygiene.yaml': 'select: [MLH]\n' });
  try {
    const before = workDone();
    const result = await scanProject(root, { workers: 0 });
    return { work: workDone() - before, notices: result.notices.map((n) => `${n.path}: ${n.message}`) };
  } finally {
    removeProject(root);
  }
}

for (const shape of INPUT_SHAPES) {
  test(`${shape.name}: twice the input, at most ${GROWTH} times the work`, async () => {
    const small = await check(shape.files(shape.n));
    const large = await check(shape.files(2 * shape.n));
    // A budget that stopped the analysis would hide the growth.
    for (const notice of [...small.notices, ...large.notices]) assert.doesNotMatch(notice, /stopped|budget/);
    assert.ok(small.work > 0, 'the work of the analysis is counted');
    const growth = large.work / small.work;
    assert.ok(growth <= GROWTH, `${small.work} units of work for n = ${shape.n}, ${large.work} for 2n: ${growth.toFixed(2)} times`);
  });
}
