// Continuous integration configurations, read from the project's documents: which files configure
// CI, which shell commands their jobs run, and whether one of those commands runs tests.
import { parseAllDocuments } from 'yaml';
import { deeperThan, MAX_YAML_DEPTH, mayNestTooDeep } from './yaml';
import { ProjectIndex } from './project';

const CI_FILE = [
  /^\.github\/workflows\/[^/]+\.ya?ml$/,
  /^\.gitlab-ci\.ya?ml$/,
  /^(\.?azure-pipelines\/[^/]+|azure-pipelines)\.ya?ml$/,
  /^\.circleci\/config\.ya?ml$/,
  /^(.+\/)?Jenkinsfile[^/]*$/,
  /^bitbucket-pipelines\.ya?ml$/,
  /^\.travis\.ya?ml$/,
  /^\.drone\.ya?ml$/,
  /^\.woodpecker(\.ya?ml|\/[^/]+\.ya?ml)$/,
  /^\.buildkite\/[^/]*pipeline[^/]*\.ya?ml$/,
  /^\.?appveyor\.ya?ml$/,
];

export function isCiFile(path: string): boolean {
  return CI_FILE.some((re) => re.test(path));
}

/** The project's CI configuration files, GitHub workflows first. */
export function ciFiles(project: ProjectIndex): string[] {
  return project.files
    .map((f) => f.path)
    .filter(isCiFile)
    .sort((a, b) => Number(!a.startsWith('.github/')) - Number(!b.startsWith('.github/')) || a.localeCompare(b));
}

export interface CiJobs {
  /** Shell commands the jobs run, one logical command a string (multi-line scripts stay whole). */
  commands: string[];
  /** Steps this file delegates to what cannot be read here (a local action, an included template,
   *  a shared library): the file may run tests there. */
  opaque: string[];
}

// Keys whose string values are shell commands, across the CI services above.
const COMMAND_KEYS = new Set(['run', 'script', 'before_script', 'after_script', 'bash', 'pwsh', 'powershell', 'command', 'commands', 'test_script', 'build_script']);
// Keys that pull in configuration from elsewhere.
const DELEGATING_KEYS = new Set(['include', 'template', 'trigger']);

/** The commands of a YAML CI file (GitHub Actions, GitLab, Azure, CircleCI, Bitbucket, Travis ...). */
function yamlJobs(path: string, text: string): CiJobs {
  const jobs: CiJobs = { commands: [], opaque: [] };
  let values: unknown[];
  if (mayNestTooDeep(text)) return { commands: [], opaque: ['configuration nests too deep to read'] };
  try {
    const docs = parseAllDocuments(text, { merge: true, uniqueKeys: false });
    if (!Array.isArray(docs) || docs.some((d) => d.errors.length)) return { commands: [], opaque: ['configuration does not parse'] };
    if (docs.some((d) => deeperThan(d.contents, MAX_YAML_DEPTH))) return { commands: [], opaque: ['configuration nests too deep to read'] };
    values = docs.map((d) => d.toJS({ maxAliasCount: 1000 }));
  } catch {
    return { commands: [], opaque: ['configuration does not parse'] };
  }
  const github = path.startsWith('.github/');
  const visit = (value: unknown, key: string | undefined) => {
    if (typeof value === 'string') {
      if (key && COMMAND_KEYS.has(key)) jobs.commands.push(value);
      // A local composite action or a reusable workflow from another repository may run anything;
      // a marketplace action is judged by its name.
      else if (github && key === 'uses') {
        if (/test|pytest|tox|nox/i.test(value)) jobs.commands.push('pytest');
        else if (value.startsWith('./') || value.includes('.github/workflows/')) jobs.opaque.push(`uses: ${value}`);
      } else if (!github && key === 'task' && /test/i.test(value)) jobs.commands.push('pytest');
      else if (/^[\w-]+\/[\w-]*test[\w-]*$/.test(value)) jobs.commands.push('pytest'); // CircleCI orb jobs such as python/test
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) visit(item, key);
      return;
    }
    if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (DELEGATING_KEYS.has(k) && v) {
          jobs.opaque.push(k);
          continue;
        }
        if (/^[\w-]+\/[\w-]*test[\w-]*$/.test(k)) jobs.commands.push('pytest'); // an orb job used as a map key
        visit(v, k);
      }
    }
  };
  for (const value of values) visit(value, undefined);
  return jobs;
}

/** The shell steps of a Jenkinsfile (sh / bat / powershell strings); shared libraries are opaque. */
function jenkinsJobs(text: string): CiJobs {
  const code = withoutGroovyComments(text);
  const jobs: CiJobs = { commands: [], opaque: [] };
  // The step's opening is matched by an expression without two quantifiers over the same blanks; its
  // string is found by indexOf, and a quote that is never closed again is not looked for again.
  const opening = /\b(sh|bat|powershell|pwsh)\s*(?:\(\s*)?(?:script\s*:\s*)?('''|"""|'|")/g;
  const unclosed = new Set<string>();
  for (let m = opening.exec(code); m; m = opening.exec(code)) {
    const quote = m[2];
    const close = unclosed.has(quote) ? -1 : code.indexOf(quote, opening.lastIndex);
    if (close < 0) {
      unclosed.add(quote);
      opening.lastIndex = m.index + 1;
      continue;
    }
    jobs.commands.push(code.slice(opening.lastIndex, close));
    opening.lastIndex = close + quote.length;
  }
  if (/\bjunit\s*(?:\(\s*)?['"]/.test(code)) jobs.commands.push('pytest'); // publishes test results, so runs tests
  if (/@Library\s*\(|^[ \t]*library\s+['"]/m.test(code)) jobs.opaque.push('shared library');
  return jobs;
}

/** Groovy without its block comments and its lines commented out with `//`, read in one pass: an
 *  unclosed block comment is left as it is, as before it was searched for from every later one. */
function withoutGroovyComments(text: string): string {
  let code = '';
  let from = 0;
  for (let open = text.indexOf('/*'); open >= 0; open = text.indexOf('/*', from)) {
    const close = text.indexOf('*/', open + 2);
    if (close < 0) break;
    code += text.slice(from, open);
    from = close + 2;
  }
  code += text.slice(from);
  return code
    .split('\n')
    .map((line) => (/^\s*\/\//.test(line) ? '' : line))
    .join('\n');
}

export function ciJobs(path: string, text: string): CiJobs {
  return /(^|\/)Jenkinsfile[^/]*$/.test(path) ? jenkinsJobs(text) : yamlJobs(path, text);
}

// ---- Does a command run tests? ----

const TEST_RUNNERS = new Set(['pytest', 'py.test', 'nosetests', 'nose2', 'unittest', 'ward', 'behave', 'testtools.run', 'trial']);
const TASK_RUNNERS = new Set(['tox', 'nox']);
const NON_TEST_SESSIONS = /^(lint|flake8|format|fmt|style|docs?|type|types|typing|mypy|pyright|pre-commit|build|release|publish|coverage-report|safety|audit)$/i;
// Words that run the command that follows them.
const WRAPPERS = new Set(['sudo', 'time', 'env', 'exec', 'xvfb-run', 'timeout', 'nice']);
const RUNNING_TOOLS = new Set(['uv', 'poetry', 'pdm', 'pipenv', 'rye', 'hatch', 'conda', 'mamba', 'micromamba', 'pixi']);
const INSTALLERS = new Set(['pip', 'pip3', 'pipx', 'apt', 'apt-get', 'brew', 'yum', 'dnf', 'apk', 'choco', 'echo', 'printf', 'which', 'pip-compile', 'npx', 'cat']);
const TEST_TARGET = /^(test|tests|check|unit|unittest|unit-tests?|integration-tests?|test-\w+|\w+-test|coverage|cov)$/i;

export interface TestCommandContext {
  /** Recipes of Makefile targets, to follow `make <target>`. */
  makeTargets: Map<string, { recipe: string[]; prerequisites: string[] }>;
}

export type TestVerdict = 'tests' | 'no-tests' | 'unknown';

/** Splits a shell script into simple commands (by lines, `&&`, `||`, `;`, `|`). */
function simpleCommands(script: string): string[][] {
  return script
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n|&&|\|\||;|\|/)
    .map((s) => s.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean)
    .map((s) => s.split(/\s+/).map((t) => t.replace(/^['"]|['"]$/g, '')));
}

/** Strips environment assignments, wrappers and `uv run` / `poetry run` / `python -m` prefixes;
 *  `viaRunner` says whether a project tool's `run` was among them. */
function unwrap(tokens: string[]): { tokens: string[]; viaRunner: boolean } {
  let t = tokens;
  let viaRunner = false;
  for (let changed = true; changed && t.length; ) {
    changed = false;
    if (/^\w+=/.test(t[0]) || WRAPPERS.has(t[0])) {
      t = t.slice(1);
      changed = true;
    } else if (RUNNING_TOOLS.has(t[0]) && t[1] === 'run') {
      // `conda run -n env cmd`, `hatch run env:cmd`, `uv run --with x cmd`
      let i = 2;
      while (i < t.length && t[i].startsWith('-')) i += /^-(n|p)$|^--(name|prefix|with|env|group|extra)$/.test(t[i]) ? 2 : 1;
      t = t.slice(i).map((x, j) => (j === 0 ? x.replace(/^[\w-]+:/, '') : x));
      viaRunner = true;
      changed = true;
    } else if (/^(python[\d.]*|py|coverage)$/.test(t[0]) && (t[1] === '-m' || (t[0] === 'coverage' && t[1] === 'run'))) {
      t = t.slice(t[0] === 'coverage' && t[2] === '-m' ? 3 : 2);
      changed = true;
    }
  }
  return { tokens: t, viaRunner };
}

function isLocalScript(word: string): boolean {
  return /^\.{0,2}\/|\.sh$|\.bash$|\.ps1$/.test(word);
}

/** Whether a shell command runs tests: 'unknown' when it hands over to a script or target that
 *  cannot be read here. */
export function commandRunsTests(script: string, context: TestCommandContext, seen = new Set<string>()): TestVerdict {
  let verdict: TestVerdict = 'no-tests';
  for (const raw of simpleCommands(script)) {
    const { tokens, viaRunner } = unwrap(raw);
    const [head, second] = tokens;
    if (!head) continue;
    const name = head.slice(head.lastIndexOf('/') + 1);
    let found: TestVerdict = 'no-tests';
    if (INSTALLERS.has(name) || (RUNNING_TOOLS.has(name) && /^(pip|add|install|sync|lock|build|publish)$/.test(second ?? ''))) continue;
    if (
      TEST_RUNNERS.has(name) ||
      (viaRunner && TEST_TARGET.test(name)) || // a project script: `hatch run test`, `pdm run tests`
      (/^(hatch|npm|yarn|pnpm|poe|task)$/.test(name) && second !== undefined && TEST_TARGET.test(second)) ||
      tokens.some((t) => t === 'pytest' || t === 'py.test') // `docker compose run app pytest`
    ) {
      found = 'tests';
    } else if (TASK_RUNNERS.has(name)) {
      const sessions = tokens.flatMap((t, i) => (/^-(e|s)$|^--(session|sessions)$/.test(tokens[i - 1] ?? '') ? t.split(',') : []));
      found = sessions.length && sessions.every((s) => NON_TEST_SESSIONS.test(s)) ? 'no-tests' : 'tests';
    } else if (/^(python[\d.]*|py)$/.test(name) && /(^|\/)(setup|manage)\.py$/.test(second ?? '') && tokens[2] === 'test') {
      found = 'tests';
    } else if (/^(python[\d.]*|py)$/.test(name) && second && /(^|\/)(tests?\/|test_|run_?tests?)/.test(second)) {
      found = 'tests';
    } else if (name === 'make' || name === '$(MAKE)' || name === 'just' || name === 'invoke' || name === 'inv') {
      found = makeRunsTests(tokens.slice(1).filter((t) => !t.startsWith('-') && !t.includes('=')), name === 'make' || name === '$(MAKE)' ? context : undefined, seen);
    } else if (isLocalScript(head) || (/^(bash|sh|zsh|source|\.|pwsh)$/.test(name) && second && isLocalScript(second))) {
      const script = isLocalScript(head) ? head : second!;
      found = /test|check/i.test(script.slice(script.lastIndexOf('/') + 1)) ? 'tests' : 'unknown';
    }
    if (found === 'tests') return 'tests';
    if (found === 'unknown') verdict = 'unknown';
  }
  return verdict;
}

function makeRunsTests(targets: string[], context: TestCommandContext | undefined, seen: Set<string>): TestVerdict {
  const wanted = targets.length ? targets : ['all'];
  let verdict: TestVerdict = 'no-tests';
  for (const target of wanted) {
    if (seen.has(target)) continue;
    seen.add(target);
    const rule = context?.makeTargets.get(target);
    if (!rule) {
      // Without the recipe, the target's name is all there is to go by.
      if (TEST_TARGET.test(target)) return 'tests';
      verdict = 'unknown';
      continue;
    }
    const fromRecipe = commandRunsTests(rule.recipe.join('\n'), context!, seen);
    const fromPrerequisites = makeRunsTests(rule.prerequisites, context, seen);
    if (fromRecipe === 'tests' || fromPrerequisites === 'tests') return 'tests';
    if (fromRecipe === 'unknown' || (rule.prerequisites.length && fromPrerequisites === 'unknown')) verdict = 'unknown';
  }
  return verdict;
}

/** The targets of a Makefile with their recipes and prerequisites (the first rule of a target wins). */
export function makeTargets(text: string): TestCommandContext['makeTargets'] {
  const targets: TestCommandContext['makeTargets'] = new Map();
  let current: { recipe: string[]; prerequisites: string[] }[] = [];
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) {
    if (line.startsWith('\t')) {
      for (const t of current) t.recipe.push(line.trim().replace(/^[@-]+/, ''));
      continue;
    }
    const rule = /^([^\s:=#][^:=#]*?)\s*::?(?!=)\s*([^=;#]*)(?:;(.*))?$/.exec(line);
    if (!rule) {
      if (line.trim() && !line.trim().startsWith('#')) current = [];
      continue;
    }
    current = [];
    for (const name of rule[1].split(/\s+/)) {
      if (name === '.PHONY' || targets.has(name)) continue;
      const entry = { recipe: rule[3] ? [rule[3].trim()] : [], prerequisites: rule[2].split(/\s+/).filter(Boolean) };
      targets.set(name, entry);
      current.push(entry);
    }
  }
  return targets;
}

/** Whether the project's CI runs tests: 'tests' when a job's command does, 'unknown' when a job
 *  cannot be read (an opaque action, a script we cannot follow), else 'no-tests'. */
export function ciTestVerdict(project: ProjectIndex): TestVerdict {
  const context: TestCommandContext = { makeTargets: makeTargets(project.documents.get('Makefile') ?? '') };
  let verdict: TestVerdict = 'no-tests';
  for (const path of ciFiles(project)) {
    const text = project.documents.get(path);
    if (text === undefined) continue;
    const jobs = ciJobs(path, text);
    if (jobs.opaque.length) verdict = 'unknown';
    for (const command of jobs.commands) {
      const found = commandRunsTests(command, context);
      if (found === 'tests') return 'tests';
      if (found === 'unknown') verdict = 'unknown';
    }
  }
  return verdict;
}
