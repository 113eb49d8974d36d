// MLH608 on the project's own artifacts: a pickle load of a file the project writes is an
// information pointing at the writer, other unsafe loads stay warnings, and weights_only=True is
// offered only where it keeps torch.load working.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { fixtureFindings, FIXTURES } from '../support/fixtures';

const MLH608 = path.join(FIXTURES, 'rules', 'MLH608');

test('loads of files the project writes are informations with the writer as related location', async () => {
  const findings = await fixtureFindings(path.join(MLH608, 'own-artifacts'), ['MLH608']);
  const summary = findings.map((f) => [`${f.path}:${f.range.start.line + 1}`, f.severity, (f.related ?? []).map((r) => `${r.path}:${r.range.start.line + 1}`).join(' ')]);
  assert.deepEqual(summary, [
    ['src/serve.py:15', 'information', 'src/train.py:22'], // the config key paths.model
    ['src/serve.py:18', 'information', 'src/train.py:24'], // the imported ENCODER_PATH constant
    ['src/serve.py:20', 'information', 'src/train.py:25'], // the same literal path
    ['src/serve.py:22', 'warning', ''], // downloaded from a hub
    ['src/serve.py:31', 'warning', ''], // uploaded by a client
    ['src/tune.py:10', 'information', 'src/prepare.py:19'], // through load_pickle / dump_pickle helpers
  ]);
});

test('weights_only=True is offered only where everything loaded goes to load_state_dict, or the project saves the file as a state dict', async () => {
  const findings = await fixtureFindings(path.join(MLH608, 'load-checkpoints.py'), ['MLH608']);
  assert.deepEqual(
    findings.map((f) => [f.range.start.line + 1, f.fix?.title]),
    [
      [12, 'Load with weights_only=True'],
      [18, 'Load with weights_only=True'],
      [26, undefined],
      [37, 'Load with weights_only=True'],
      [43, undefined],
    ],
  );
});
