import { dependencyEntries } from '../engine/declaredDependencies';
import { ProjectIndex } from '../engine/project';
import { normalizePackage } from '../engine/projectQueries';
import { Requirement } from '../engine/requirements';
import { defineRule } from '../engine/rule';
import { ALL_BUT_GENERATED } from '../engine/roles';
import { Dialect, disjoint, VersionRange, versionRange } from '../engine/versionRanges';

/** Conda packages published on PyPI under another name. (conda's `graphviz` is the program, whose
 *  Python binding is `python-graphviz` there and `graphviz` on PyPI.) */
const PYPI_NAME_OF_CONDA: Record<string, string> = {
  pytorch: 'torch',
  'py-xgboost': 'xgboost',
  'python-graphviz': 'graphviz',
  graphviz: 'graphviz-program',
  'matplotlib-base': 'matplotlib',
  pytables: 'tables',
  'py-opencv': 'opencv-python',
};

/** Files that pin other versions on purpose: the lowest versions a library supports, an old Python's
 *  environment. */
const ALTERNATIVE_ENVIRONMENT = /(^|[-_.])(min|minimum|minimal|lowest|oldest|legacy|py\d+|python\d+)([-_.]|$)/i;

interface Entry {
  path: string;
  requirement: Requirement;
  range: VersionRange;
}

function dialectOf(path: string, project: ProjectIndex): Dialect {
  if (project.file(path)?.kind === 'requirements' || /(^|\/)Pipfile$/.test(path)) return 'pip';
  return /(^|\/)pyproject\.toml$/.test(path) ? 'poetry' : 'conda';
}

/** Each package's version constraints in the project's dependency files, by PyPI name. Entries
 *  under an environment marker, from a URL, without a version or in a form not understood are left
 *  out: they constrain no version, or only on some platforms. */
function constraintsByPackage(project: ProjectIndex, appliesTo: (path: string) => boolean): Map<string, Entry[]> {
  const byPackage = new Map<string, Entry[]>();
  for (const [path, text] of [...project.documents].sort(([a], [b]) => a.localeCompare(b))) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!appliesTo(path) || ALTERNATIVE_ENVIRONMENT.test(name.replace(/\.[^.]+$/, ''))) continue;
    const dialect = dialectOf(path, project);
    for (const requirement of dependencyEntries(project, path, text)) {
      if (requirement.marker || requirement.url || !requirement.specifier) continue;
      // Poetry's table writes PEP 440 too (`>=1.2,<2`); its own forms (`^`, `~`, bare) are read as Poetry's.
      const range = versionRange(requirement.specifier, dialect);
      if (!range) continue;
      const normalized = normalizePackage(requirement.name);
      const pypi = dialect === 'conda' ? (PYPI_NAME_OF_CONDA[normalized] ?? normalized) : normalized;
      const list = byPackage.get(pypi) ?? [];
      list.push({ path, requirement, range });
      byPackage.set(pypi, list);
    }
  }
  return byPackage;
}

export default defineRule({
  code: 'MLH414',
  name: 'conflicting-dependency-versions',
  summary: 'Two dependency files of one project require versions of a package that exclude each other',
  practices: ['P7'],
  references: ['mllint: dependency management, a single dependency manager', 'Breck et al. 2017, Infra 1: reproducible training'],
  severity: 'warning',
  optIn: true,
  roles: ALL_BUT_GENERATED,
  // A disagreement needs two files that constrain versions.
  applies: (project, appliesTo) => new Set([...constraintsByPackage(project, appliesTo).values()].flat().map((e) => e.path)).size > 1,
  docs: `## What it finds
A package that two dependency files of the same project constrain to versions no release satisfies
both: \`pandas==1.5.3\` in \`requirements.txt\` and \`pandas = "^2.1"\` in \`pyproject.toml\`,
\`py-xgboost=1.7\` in a conda \`environment.yml\` and \`xgboost~=2.0.2\` in \`requirements.txt\`.
It reads requirements files, \`pyproject.toml\` (PEP 621 and Poetry), \`Pipfile\` and conda
environments, with each tool's meaning of a version (conda's \`=1.7\` is any 1.7.x, Poetry's
\`^2.1\` is below 3, pip's \`~=2.0.2\` below 2.1), and knows the conda packages that PyPI names
otherwise (\`pytorch\` is \`torch\`, \`py-xgboost\` is \`xgboost\`). The finding sits on the first of
the two entries and points to the other.

Left alone: entries under an environment marker (\`; python_version < "3.9"\`), from a URL or
without a version, and files that pin other versions on purpose (\`requirements-min.txt\`,
\`requirements-py38.txt\`). Two files that agree, or overlap, are not reported: only versions that
exclude each other are.

A disagreement is a defect wherever it is, so every role but generated counts: a textbook's
readers get another library depending on which file they install from.

**Opt-in:** on the judged corpus it found one conflict, worth acting on; too few findings to
put it in the default set.

## Why it matters
Each dependency file promises the environment the code runs in. When two of them disagree, the
project runs with one version for the colleague who used pip and another for the one who used
conda or Poetry, and the results differ where the library changed its defaults. Nobody knows which
file is the truth, and the versions the model was trained with are no longer on record (practice
P7; ML Test Score Infra 1).

## How to fix
Decide which version the project runs with and write that in every file, or, better, keep one
file as the source and generate the others from it (\`poetry export\`, \`uv export\`,
\`pip-compile\`, an \`environment.yml\` whose \`pip:\` section reads \`-r requirements.txt\`).

## Example
\`\`\`text
# Before: environment.yml and requirements.txt install different xgboost releases
environment.yml:   - py-xgboost=1.7
requirements.txt:  xgboost~=2.0.2

# After: one version, written once, read by both
environment.yml:   - pip:
                     - -r requirements.txt
requirements.txt:  xgboost~=2.0.2
\`\`\`

## References
- mllint, the ML project linter: "Project should only use one dependency manager".
- Breck et al.: *The ML Test Score* (2017), Infra 1, "Training is reproducible".
- [PEP 440, version specifiers](https://peps.python.org/pep-0440/#version-specifiers);
  Poetry's [dependency specification](https://python-poetry.org/docs/dependency-specification/);
  conda's [package match specifications](https://docs.conda.io/projects/conda-build/en/latest/resources/package-spec.html).
`,
  check: {
    project(ctx) {
      for (const [name, entries] of constraintsByPackage(ctx.project, ctx.appliesTo)) {
        // The first entry that some entry of another file excludes, with that entry.
        const conflict = entries.flatMap((a) => entries.filter((b) => b.path !== a.path && disjoint(a.range, b.range)).map((b) => [a, b] as const))[0];
        if (!conflict) continue;
        const [first, other] = conflict;
        const written = (e: Entry) => {
          const own = normalizePackage(e.requirement.name) === name ? '' : `${e.requirement.name} `;
          return `\`${own}${e.requirement.specifier.trim()}\` in ${e.path.slice(e.path.lastIndexOf('/') + 1)}`;
        };
        ctx.report({
          path: first.path,
          range: first.requirement.range,
          message: `${name} is required as ${written(first)} and as ${written(other)}: no version satisfies both, so the project runs with a different ${name} depending on the file it was installed from; write one version in both`,
          related: [{ path: other.path, range: other.requirement.range, message: `${other.requirement.name} ${other.requirement.specifier.trim()}` }],
        });
      }
    },
  },
});
