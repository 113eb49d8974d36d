// "Disable MLHxxx for this project / folder": the configuration file edited in place (comments and
// layout kept), and what it says afterwards, read as the engine reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ignoredInFile, isRuleEnabled, loadConfig } from '../../server/src/engine/config';
import { ignoreInPyproject, ignoreInYaml, newConfigYaml } from '../../server/src/engine/configEdits';

const NAN = { code: 'MLH106' };

test('.ml-hygiene.yaml: the code joins `ignore`, comments stay, and the rule is off', () => {
  const text = '# team defaults\nextendSelect: [MLH803]\nignore:\n  - MLH109 # .values is fine here\n';
  const edited = ignoreInYaml(text, 'MLH106')!;
  assert.equal(edited, '# team defaults\nextendSelect: [MLH803]\nignore:\n  - MLH109 # .values is fine here\n  - MLH106\n');
  assert.equal(isRuleEnabled(loadConfig({ mlHygieneYaml: edited }), NAN), false);
  assert.equal(ignoreInYaml(edited, 'MLH106'), undefined, 'a second time changes nothing');
});

test('.ml-hygiene.yaml: a folder gets a perFileIgnores glob that the engine applies to its files only', () => {
  const edited = ignoreInYaml('select: [MLH]\n', 'MLH106', 'notebooks/**')!;
  assert.equal(edited, 'select: [MLH]\nperFileIgnores:\n  notebooks/**: [MLH106]\n');
  const config = loadConfig({ mlHygieneYaml: edited });
  assert.equal(ignoredInFile(config, 'MLH106', 'notebooks/eda.ipynb'), true);
  assert.equal(ignoredInFile(config, 'MLH106', 'src/train.py'), false);
  assert.equal(ignoredInFile(config, 'MLH402', 'notebooks/eda.ipynb'), false);
});

test('an empty or missing configuration', () => {
  assert.equal(ignoreInYaml('', 'MLH106'), 'ignore: [MLH106]\n');
  assert.equal(isRuleEnabled(loadConfig({ mlHygieneYaml: newConfigYaml('MLH106') }), NAN), false);
  assert.equal(ignoredInFile(loadConfig({ mlHygieneYaml: newConfigYaml('MLH106', 'legacy/**') }), 'MLH106', 'legacy/old.py'), true);
  assert.equal(ignoreInYaml('select: [MLH\n', 'MLH106'), undefined, 'YAML that does not parse is not rewritten');
});

test('pyproject.toml: the list under [tool.ml-hygiene] grows on its own line; other tables stay as they were', () => {
  const text = [
    '[project]',
    'name = "churn"  # the package',
    '',
    '[tool.ml-hygiene]',
    'ignore = [',
    '  "MLH109",  # .values is fine here',
    ']',
    '',
    '[tool.ruff]',
    'line-length = 100',
    '',
  ].join('\n');
  const edited = ignoreInPyproject(text, 'MLH106')!;
  assert.equal(edited, text.replace('"MLH109",  # .values', '"MLH109", "MLH106",  # .values'));
  assert.equal(isRuleEnabled(loadConfig({ pyprojectToml: edited }), NAN), false);
  assert.equal(ignoreInPyproject(edited, 'MLH106'), undefined);
});

test('pyproject.toml: a missing key or table is added after the header', () => {
  const text = '[tool.ml-hygiene]\nselect = ["MLH"]\n\n[tool.black]\nline-length = 100\n';
  const ignored = ignoreInPyproject(text, 'MLH106')!;
  assert.equal(ignored, '[tool.ml-hygiene]\nignore = ["MLH106"]\nselect = ["MLH"]\n\n[tool.black]\nline-length = 100\n');
  const perFolder = ignoreInPyproject(text, 'MLH106', 'notebooks/**')!;
  assert.equal(perFolder, '[tool.ml-hygiene]\nselect = ["MLH"]\n\n[tool.ml-hygiene.perFileIgnores]\n"notebooks/**" = ["MLH106"]\n\n[tool.black]\nline-length = 100\n');
  assert.equal(ignoredInFile(loadConfig({ pyprojectToml: perFolder }), 'MLH106', 'notebooks/eda.ipynb'), true);
  assert.equal(ignoreInPyproject('[project]\nname = "x"\n', 'MLH106'), undefined, 'no [tool.ml-hygiene]: the server creates .ml-hygiene.yaml instead');
});
