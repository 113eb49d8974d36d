// Every snippet, expanded with its defaults, passes our own checks.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { ProjectIndex } from '../../server/src/engine/project';
import { initPython } from '../../server/src/engine/python/parser';
import { describe as describeFinding } from '../support/fixtures';
import { EVERY_RULE } from '../support/config';

const SNIPPETS = path.resolve(__dirname, '../../../snippets');

/** What the editor inserts when every placeholder keeps its default: `${1:x}` -> x, `$0` -> ''. */
export function expandSnippet(body: string[]): string {
  return body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}

// Where a snippet's text would live decides which rules read it.
const YAML_FILE_OF: Record<string, string> = {
  'GitHub Actions CI/CT workflow': '.github/workflows/ci.yml',
  'DVC stage': 'dvc.yaml',
  'params.yaml': 'params.yaml',
  'Model card': 'model_card.yaml',
};

for (const language of ['python', 'yaml']) {
  const snippets = JSON.parse(fs.readFileSync(path.join(SNIPPETS, `${language}.json`), 'utf8')) as Record<string, { body: string[]; prefix: string[] }>;
  for (const [name, snippet] of Object.entries(snippets)) {
    test(`${language} snippet "${name}" passes the checks`, async () => {
      await initPython();
      const file = language === 'python' ? 'snippet.py' : YAML_FILE_OF[name];
      assert.ok(file, `no file name for the yaml snippet ${name}`);
      const text = expandSnippet(snippet.body);
      const analyzer = new Analyzer();
      const index = new ProjectIndex([{ path: file, kind: kindOf(file), size: text.length }], new Map([[file, analyzer.facts(file, text)]]));
      const findings = analyzer.analyzeFile(file, text, index, EVERY_RULE).map((f) => `${describeFinding(f)} ${f.message}`);
      assert.deepEqual(findings, []);
      if (language === 'python') {
        const parsed = analyzer.parse(file, text);
        assert.ok(parsed.kind === 'python' && !parsed.module.root.hasError, 'expands to valid Python');
      }
    });
  }
}
