// Configuration: .ml-hygiene.yaml and [tool.ml-hygiene] in pyproject.toml, what each setting does
// to a scan, and ConfigError listing every problem of an invalid file.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Config, ConfigError, DEFAULT_CONFIG, effectiveSeverity, isRuleEnabled, loadConfig, THRESHOLD_DEFAULTS } from '../../server/src/engine/config';
import { initPython } from '../../server/src/engine/python/parser';
import { scanProject } from '../../server/src/engine/scan';
import { readConfig } from '../../server/src/engine/workspace';
import { makeProject, NAN_MODULE, notebookJson, removeProject, Tree } from '../support/project';

before(() => initPython());

function withoutSource(config: Config): Omit<Config, 'source'> {
  const { source: _source, ...rest } = config;
  return rest;
}

function configError(files: Parameters<typeof loadConfig>[0]): ConfigError {
  try {
    loadConfig(files);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail('expected a ConfigError');
}

describe('reading the configuration', () => {
  test('no configuration gives the defaults', () => {
    assert.deepEqual(loadConfig({}), DEFAULT_CONFIG);
    assert.deepEqual(loadConfig({ pyprojectToml: '[project]\nname = "churn"\n[tool.ruff]\nline-length = 100\n' }), DEFAULT_CONFIG);
  });

  test('.ml-hygiene.yaml and [tool.ml-hygiene] give the same configuration', () => {
    const yaml = loadConfig({
      mlHygieneYaml: 'select: [MLH1, MLH402]\nignore: [MLH109]\nseverity:\n  MLH106: warning\n  MLH402: "off"\nexclude: ["legacy/**"]\nthresholds:\n  maxCellLines: 40\n',
    });
    const toml = loadConfig({
      pyprojectToml:
        '[tool.ml-hygiene]\nselect = ["MLH1", "MLH402"]\nignore = ["MLH109"]\nexclude = ["legacy/**"]\n\n[tool.ml-hygiene.severity]\nMLH106 = "warning"\nMLH402 = "off"\n\n[tool.ml-hygiene.thresholds]\nmaxCellLines = 40\n',
    });
    assert.deepEqual(withoutSource(yaml), withoutSource(toml));
    assert.equal(yaml.source, '.ml-hygiene.yaml');
    assert.equal(toml.source, 'pyproject.toml');
    assert.deepEqual(yaml.thresholds, { ...THRESHOLD_DEFAULTS, maxCellLines: 40 }, 'unset thresholds keep their defaults');
  });

  test('.ml-hygiene.yaml wins over pyproject.toml', () => {
    const config = loadConfig({ mlHygieneYaml: 'ignore: [MLH2]\n', pyprojectToml: '[tool.ml-hygiene]\nignore = ["MLH3"]\n' });
    assert.deepEqual(config.ignore, ['MLH2']);
  });

  test('an empty .ml-hygiene.yaml is the defaults', () => {
    assert.deepEqual(withoutSource(loadConfig({ mlHygieneYaml: '' })), DEFAULT_CONFIG);
  });
});

describe('select, ignore and severity', () => {
  const config = loadConfig({ mlHygieneYaml: 'select: [MLH1, MLH402]\nignore: [MLH10]\nseverity:\n  MLH111: error\n  MLH402: "off"\n' });

  test('select and ignore take prefixes; ignore wins', () => {
    assert.ok(isRuleEnabled(config, { code: 'MLH111' }), 'MLH1 selects MLH111');
    assert.ok(!isRuleEnabled(config, { code: 'MLH106' }), 'MLH10 ignores MLH106');
    assert.ok(!isRuleEnabled(config, { code: 'MLH201' }), 'MLH2 is not selected');
  });

  test('a severity overrides the rule default; "off" turns a selected rule off', () => {
    assert.equal(effectiveSeverity(config, { code: 'MLH111' }, 'information'), 'error');
    assert.equal(effectiveSeverity(config, { code: 'MLH402' }, 'warning'), undefined);
    assert.equal(effectiveSeverity(DEFAULT_CONFIG, { code: 'MLH402' }, 'warning'), 'warning');
  });
});

describe('the default set and opt-in rules', () => {
  const notebookImports = { code: 'MLH803', optIn: true };

  test('without select, the default set runs and opt-in rules do not', () => {
    assert.ok(isRuleEnabled(DEFAULT_CONFIG, { code: 'MLH106' }));
    assert.ok(!isRuleEnabled(DEFAULT_CONFIG, notebookImports));
  });

  test('select replaces the default set; a prefix selects opt-in rules under it too', () => {
    assert.ok(isRuleEnabled(loadConfig({ mlHygieneYaml: 'select: [MLH]\n' }), notebookImports), 'MLH is every rule');
    assert.ok(isRuleEnabled(loadConfig({ mlHygieneYaml: 'select: [MLH803]\n' }), notebookImports));
    assert.ok(!isRuleEnabled(loadConfig({ mlHygieneYaml: 'select: [MLH803]\n' }), { code: 'MLH106' }));
  });

  test('extendSelect adds rules to the default set; ignore still wins', () => {
    const extended = loadConfig({ mlHygieneYaml: 'extendSelect: [MLH803]\n' });
    assert.ok(isRuleEnabled(extended, notebookImports));
    assert.ok(isRuleEnabled(extended, { code: 'MLH106' }), 'the default set stays');
    assert.ok(!isRuleEnabled(loadConfig({ mlHygieneYaml: 'extendSelect: [MLH8]\nignore: [MLH803]\n' }), notebookImports));
  });
});

describe('invalid configuration', () => {
  test('every problem of .ml-hygiene.yaml is listed, each naming its setting', () => {
    const error = configError({
      mlHygieneYaml:
        'select: MLH1\nignore: [E501]\nseverity:\n  MLH106: fatal\n  W291: warning\nexclude: [3]\nthresholds:\n  maxCellLines: 0\n  maxFileSizeMB: big\ncolour: blue\n',
    });
    assert.equal(error.file, '.ml-hygiene.yaml');
    const expected = [/^select: /, /^ignore\.0: /, /^severity\.MLH106: .*error, warning, information, off/, /^severity: 'W291' is not a rule code/, /^exclude\.0: /, /^thresholds\.maxCellLines: /, /^thresholds\.maxFileSizeMB: /, /'colour'/];
    assert.equal(error.problems.length, expected.length, error.problems.join('\n'));
    for (const pattern of expected) assert.ok(error.problems.some((p) => pattern.test(p)), `${pattern} in\n${error.problems.join('\n')}`);
    for (const problem of error.problems) assert.ok(error.message.includes(problem));
  });

  test('[tool.ml-hygiene] problems name pyproject.toml', () => {
    const error = configError({ pyprojectToml: '[tool.ml-hygiene]\nselect = ["MLH1"]\n[tool.ml-hygiene.thresholds]\nmaxNotebookCells = -1\n' });
    assert.equal(error.file, 'pyproject.toml');
    assert.deepEqual(error.problems.length, 1);
    assert.match(error.problems[0], /^thresholds\.maxNotebookCells: /);
  });

  test('roots are folders or globs; roles map globs to a known role', () => {
    const error = configError({ mlHygieneYaml: 'roots: homework\nroles:\n  "homework/**": homework\n' });
    assert.deepEqual(error.problems.length, 2, error.problems.join('\n'));
    assert.match(error.problems[0], /^roots: /);
    assert.match(error.problems[1], /^roles\.homework\/\*\*: .*exploration, teaching, pipeline/);
    const config = loadConfig({ pyprojectToml: '[tool.ml-hygiene]\nroots = ["homework/*"]\n[tool.ml-hygiene.roles]\n"homework/**" = "teaching"\n' });
    assert.deepEqual([config.roots, config.roles], [['homework/*'], { 'homework/**': 'teaching' }]);
  });

  test('a file that does not parse is one problem', () => {
    assert.match(configError({ mlHygieneYaml: 'select: [MLH1\n' }).problems[0], /^YAML does not parse/);
    assert.match(configError({ mlHygieneYaml: `select: ${'['.repeat(5000)}\n` }).problems[0], /nested more than 100 levels deep/);
    assert.match(configError({ pyprojectToml: '[tool.ml-hygiene\nselect = 1\n' }).problems[0], /^TOML does not parse/);
  });
});

describe('the configuration in a scan', () => {
  const projects: string[] = [];
  const project = (files: Tree) => {
    const root = makeProject(files);
    projects.push(root);
    return root;
  };
  after(() => projects.forEach(removeProject));

  const nanFindings = async (root: string) =>
    (await scanProject(root, { workers: 0 })).findings.filter((f) => f.code === 'MLH106').map((f) => `${f.path} ${f.severity}`);

  test('is read from the project root', async () => {
    const root = project({ 'pyproject.toml': '[tool.ml-hygiene.severity]\nMLH106 = "information"\n', 'train.py': NAN_MODULE });
    assert.equal(readConfig(root).source, 'pyproject.toml');
    assert.deepEqual(await nanFindings(root), ['train.py information']);
  });

  test('severity "off" and ignore remove the findings', async () => {
    assert.deepEqual(await nanFindings(project({ '.ml-hygiene.yaml': 'severity:\n  MLH106: "off"\n', 'train.py': NAN_MODULE })), []);
    assert.deepEqual(await nanFindings(project({ '.ml-hygiene.yml': 'ignore: [MLH1]\n', 'train.py': NAN_MODULE })), []);
  });

  test('exclude globs: paths from the root, and names without a slash at any depth', async () => {
    const notebook = notebookJson([{ type: 'code', source: 'import numpy as np\nx == np.nan\n' }]);
    const root = project({
      '.ml-hygiene.yaml': 'exclude: ["legacy/**", "*.ipynb", "scratch", "src/gen_*.py"]\n',
      'train.py': NAN_MODULE,
      'legacy/old_train.py': NAN_MODULE,
      'notebooks/eda.ipynb': notebook,
      'eda.ipynb': notebook,
      'src/scratch/try.py': NAN_MODULE,
      'src/gen_features.py': NAN_MODULE,
      'src/features.py': NAN_MODULE,
      'tools/src/gen_x.py': NAN_MODULE,
    });
    assert.deepEqual(await nanFindings(root), ['src/features.py error', 'tools/src/gen_x.py error', 'train.py error']);
  });

  test('thresholds.maxFileSizeMB skips bigger files with a notice', async () => {
    const root = project({ '.ml-hygiene.yaml': 'thresholds:\n  maxFileSizeMB: 0.00005\n', 'train.py': NAN_MODULE, 'small.py': 'import numpy as np\nx == np.nan\n' });
    const result = await scanProject(root, { workers: 0 });
    assert.deepEqual(result.findings.filter((f) => f.code === 'MLH106').map((f) => f.path), ['small.py']);
    assert.deepEqual(
      result.notices.map((n) => n.path),
      ['train.py'],
    );
    assert.match(result.notices[0].message, /above the 0\.00005 MB limit \(thresholds\.maxFileSizeMB\)/);
  });

  test('an invalid file makes the scan throw ConfigError', async () => {
    const root = project({ '.ml-hygiene.yaml': 'select: all\n', 'train.py': NAN_MODULE });
    await assert.rejects(scanProject(root, { workers: 0 }), ConfigError);
  });
});
