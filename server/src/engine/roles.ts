// What each file of a repository is for: its role. Rules state the roles they apply to, so that
// production rules stay off exploration notebooks, homework and the project's own tooling.
// Decided once per file from its path, its imports and what its code does; `roles` in the
// configuration overrides it by glob.
import picomatch from 'picomatch';
import { isTestPath, PythonFacts } from './python/facts';
import { isInPackage } from './python/module';
import type { FileKind } from './types';
import { folderOf } from './folders';

export type Role = 'exploration' | 'teaching' | 'pipeline' | 'serving' | 'library' | 'test' | 'tooling' | 'generated';

export const ROLES: Role[] = ['exploration', 'teaching', 'pipeline', 'serving', 'library', 'test', 'tooling', 'generated'];

/** Every role but `generated`: for rules about bugs, which are bugs wherever the code is. */
export const ALL_BUT_GENERATED: Role[] = ROLES.filter((r) => r !== 'generated');
/** Code that is built to run again: training and data pipelines, endpoints, the project's packages. */
export const PRODUCTION: Role[] = ['pipeline', 'serving', 'library'];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  exploration: 'notebooks, notebooks/ folders and EDA files',
  teaching: 'course, homework, lecture, exercise, tutorial, lesson and workshop material; numbered course modules; textbook chapters',
  pipeline: 'training and data pipeline code',
  serving: 'endpoints and apps that serve a model (FastAPI, Flask, BentoML ...; serve/, api/, app/ folders)',
  library: 'an importable package module that is none of the above',
  test: 'tests (test_*.py, *_test.py, conftest.py, tests/)',
  tooling: 'docs, setup and utility scripts, page generators, plots of the project\'s own logs, benchmarks',
  generated: 'a script that mirrors a notebook of the same name in the same folder (jupytext, nbconvert)',
};

/** What the classifier knows of the repository around a file. */
export interface RoleContext {
  paths: ReadonlySet<string>;
  /** Modules another file of the same project imports. */
  imported: ReadonlySet<string>;
  /** The repository holds homework, lecture, lesson, assignment, cohort or week folders: it is course
   *  material, and its numbered module folders (`01-intro/`, `04-deployment/`) are lessons. */
  course: boolean;
  /** Folders holding a numbered sequence of notebooks (`01_landscape.ipynb`, `02_end_to_end.ipynb`
   *  ...): the chapters of a book or a course. */
  chapterFolders: ReadonlySet<string>;
}

const COURSE_FOLDER = /^(homeworks?|hw[_-]?\d+|lectures?|lessons?|assignments?|cohorts?|week[_-]?\d+|syllabus)$/i;
const NUMBERED_MODULE = /^\d{1,2}[-_.][a-z]/i;
const NUMBERED_NOTEBOOK = /^\d{1,3}[-_.]?[\w-]*\.ipynb$/i;
const CHAPTER_SEQUENCE = 3;

/** The repository-wide part of the classification, computed once. */
export function roleContext(paths: string[], imported: ReadonlySet<string>): RoleContext {
  const numbered = new Map<string, number>();
  let course = false;
  for (const path of paths) {
    if (!course && folders(path).some((d) => COURSE_FOLDER.test(d))) course = true;
    if (NUMBERED_NOTEBOOK.test(fileName(path))) numbered.set(folderOf(path), (numbered.get(folderOf(path)) ?? 0) + 1);
  }
  const chapterFolders = new Set([...numbered].filter(([, n]) => n >= CHAPTER_SEQUENCE).map(([folder]) => folder));
  return { paths: new Set(paths), imported, course, chapterFolders };
}

/** What the classifier reads of one file. */
export interface RoleInput {
  path: string;
  kind: FileKind;
  python?: PythonFacts;
}

const folders = (path: string) => path.split('/').slice(0, -1).map((f) => f.toLowerCase());
const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const stem = (path: string) => path.replace(/\.[^./]+$/, '');

const TEACHING_FOLDER = /^(courses?|homeworks?|hw[_-]?\d*|lectures?|lecture[_-]?notes|exercises?|tutorials?|lessons?|workshops?|assignments?|labs?[_-]?\d*|week[_-]?\d+|module[_-]?\d+|cohorts?|chapters?|ch\d+|solutions?)$/;
const TEACHING_FOLDER_PREFIX = /^(homework|hw|lecture|exercise|tutorial|lesson|workshop|assignment|week|chapter)[_-]?\d/;
const TEXTBOOK_CHAPTER = /^(chapter|ch)[_ -]?\d+/i;
const DOCS_FOLDER = /^(docs?|site|website|\.github|\.gitlab|\.circleci|ci|\.ci|\.devcontainer|binder|\.binder|\.buildkite)$/;
const UTILITY_FOLDER = /^(scripts?|tools?|tooling|bench(marks?)?|docker)$/;
const TOOLING_NAME = /^(setup|conf|noxfile|tasks|fabfile|dodo|jupyter_\w*config|ipython_config|make_docs|gen_[\w-]*|generate_[\w-]*docs?[\w-]*|build_docs|update_[\w-]+|bump_[\w-]+|release)\.py$|^bench(mark)?s?_[\w-]*\.py$|_bench(mark)?\.py$/;
const EXPLORATION_FOLDER = /^(notebooks?|nbs|eda|explorations?|exploratory|analysis|scratch|sandbox|playground|experiments?[_-]notebooks?)$/;
const EXPLORATION_NAME = /(^|[_.-])(eda|explor\w*|scratch|sandbox|playground|untitled\d*)([_.-]|$)/i;
const SERVING_FOLDER = /^(serve|serving|server|api|apis|app|apps|endpoints?|deploy|deployment|inference[_-]service|webapp|web)$/;
const SERVING_NAME = /^(serve|serving|server|app|api|endpoints?|main_api|predict_api|service)\.py$/;
const SERVING_LIBRARIES = ['fastapi', 'flask', 'bentoml', 'starlette', 'ray.serve', 'litserve', 'sanic', 'kserve', 'mlserver', 'aiohttp.web', 'tornado.web', 'django', 'gradio', 'streamlit'];
const PIPELINE_FOLDER = /^(train|training|pipelines?|dags|flows?|jobs|workflows?|steps|stages)$/;
const PIPELINE_NAME = /(^|[_-])(train\w*|pipeline|prepare\w*|preprocess\w*|featur\w*|etl|ingest\w*|fit|evaluate|predict|batch\w*)([_.-]|$)/i;
const DOCUMENT = /\.(md|markdown|rst|adoc|html?)$|^(readme|license|licence|changelog|contributing)(\.\w+)?$/i;
const PLOTTING_LIBRARIES = ['matplotlib', 'seaborn', 'plotly', 'bokeh', 'altair'];
const DOCS_LIBRARIES = ['mkdocs_gen_files', 'mkdocs', 'sphinx', 'jinja2', 'nbformat', 'jupytext', 'pytest_benchmark', 'asv', 'timeit'];

const importsAny = (facts: PythonFacts | undefined, packages: string[]) => !!facts && facts.imports.some((m) => packages.some((p) => isInPackage(m, p)));

/** The role a project's dependency and config files take from its code: none (they keep theirs)
 *  when any code is a pipeline, serving or library module; else the most common role of the code
 *  among teaching and exploration. */
export function servedRole(codeRoles: Role[]): Role | undefined {
  if (codeRoles.length === 0 || codeRoles.some((r) => PRODUCTION.includes(r))) return undefined;
  const teaching = codeRoles.filter((r) => r === 'teaching').length;
  const exploration = codeRoles.filter((r) => r === 'exploration').length;
  if (teaching + exploration === 0) return undefined;
  return teaching >= exploration ? 'teaching' : 'exploration';
}

/** Compiles the `roles` configuration: the role of the first glob that matches a path. Globs match
 *  the path from the repository root; a glob without a slash matches a file name at any depth. */
export function roleOverrides(roles: Record<string, Role> = {}): (path: string) => Role | undefined {
  const matchers = Object.entries(roles).map(([glob, role]) => {
    const matcher = picomatch(glob, { dot: true, basename: !glob.includes('/') });
    return (path: string) => (matcher(path) ? role : undefined);
  });
  return (path) => {
    for (const match of matchers) {
      const role = match(path);
      if (role) return role;
    }
    return undefined;
  };
}

/**
 * The role of one file. Precedence, first match wins:
 * 1. generated: a .py file beside a notebook of the same name (findings belong on the notebook);
 * 2. test: test_*.py, *_test.py, conftest.py, anything under tests/;
 * 3. teaching: under a course / homework / lecture / exercise / tutorial / lesson / workshop folder,
 *    under a numbered module folder (`04-deployment/`) of a repository that holds homework or
 *    lecture folders, or a textbook chapter (`chapter_03.ipynb`, `ch03/`, a numbered sequence of
 *    notebooks outside an exploration folder);
 * 4. tooling: under docs/ or CI folders; documents (README, *.md, *.rst); setup.py, conf.py,
 *    noxfile.py, Jupyter configuration, page generators; under scripts/, tools/, benchmarks/ or
 *    docker/ unless it trains, saves or serves a model; scripts that only
 *    plot (matplotlib without an ML library, training or serving, outside a package);
 * 5. exploration: notebooks (but one in a pipeline folder is a pipeline, unless an exploration
 *    folder or name says otherwise), files under notebooks/ or eda/, files named eda /
 *    exploration / scratch;
 * 6. serving: imports a web or model-serving framework, or lies in serve/ api/ app/ folders, or is
 *    named serve.py / app.py / api.py;
 * 7. pipeline: trains or saves a model, or lies in train/ pipelines/ dags/ folders, or is named like a
 *    pipeline step (train*, prepare*, preprocess*, features*, predict, batch ...);
 * 8. library: a module of a package (a folder with __init__.py) or one that other files import;
 * 9. pipeline otherwise: a script or a configuration of the project's own work; but the dependency
 *    and config files of a project whose code is all lessons or notebooks take that role (servedRole).
 */
export function classifyRole(file: RoleInput, context: RoleContext): Role {
  const { path, kind, python } = file;
  const { paths, imported } = context;
  const dirs = folders(path);
  const name = fileName(path);
  if (kind === 'python' && paths.has(stem(path) + '.ipynb')) return 'generated';
  if (kind === 'python' && isTestPath(path)) return 'test';
  const explorationPlace = dirs.some((d) => EXPLORATION_FOLDER.test(d)) || EXPLORATION_NAME.test(stem(name));
  if (
    dirs.some((d) => TEACHING_FOLDER.test(d) || TEACHING_FOLDER_PREFIX.test(d) || (context.course && NUMBERED_MODULE.test(d))) ||
    (kind === 'notebook' && (TEXTBOOK_CHAPTER.test(name) || (context.chapterFolders.has(folderOf(path)) && NUMBERED_NOTEBOOK.test(name) && !explorationPlace)))
  ) {
    return 'teaching';
  }
  const servesOrTrains = !!python && (python.trainsModel || python.savesModel || importsAny(python, SERVING_LIBRARIES));
  if (dirs.some((d) => DOCS_FOLDER.test(d)) || TOOLING_NAME.test(name) || DOCUMENT.test(name) || (kind === 'python' && importsAny(python, DOCS_LIBRARIES))) {
    return 'tooling';
  }
  // Utility folders hold training scripts too; plotting scripts are tooling unless they do ML.
  if (dirs.some((d) => UTILITY_FOLDER.test(d)) && !servesOrTrains) return 'tooling';
  const inPackage = paths.has(path.replace(/[^/]+$/, '__init__.py'));
  if (kind === 'python' && !inPackage && importsAny(python, PLOTTING_LIBRARIES) && !python!.isML && !servesOrTrains) return 'tooling';
  // Training and saving a model is what most exploration notebooks end with: only a pipeline folder
  // (or the configuration) makes a notebook a pipeline.
  if (kind === 'notebook') return dirs.some((d) => PIPELINE_FOLDER.test(d)) && !explorationPlace ? 'pipeline' : 'exploration';
  if (explorationPlace) return 'exploration';
  if (importsAny(python, SERVING_LIBRARIES) || dirs.some((d) => SERVING_FOLDER.test(d)) || SERVING_NAME.test(name)) return 'serving';
  if (python?.trainsModel || python?.savesModel || dirs.some((d) => PIPELINE_FOLDER.test(d)) || PIPELINE_NAME.test(stem(name))) return 'pipeline';
  if (kind === 'python' && (inPackage || imported.has(path))) return 'library';
  return 'pipeline';
}
