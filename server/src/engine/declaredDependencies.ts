// Dependencies declared outside requirements files: pyproject.toml (PEP 621 and Poetry tables),
// Pipfile and conda environment files, each with the place it is written and whether it fixes one
// version; and whether the project is a package published for others. Read from the texts of the
// project index.
import { isMap, isScalar, isSeq } from 'yaml';
import { parse as parseToml } from 'smol-toml';
import type { ProjectIndex } from './project';
import { commentStart, parseRequirements, Requirement } from './requirements';
import { tomlArrayStrings, tomlKeyLine, tomlLines } from './tomlLines';
import { Range, rangeOf } from './types';
import { nodeRange, parseYaml } from './yaml';
import { folderOf } from './folders';

export interface DependencyManifest {
  dependencies: Requirement[];
}

const CONDA_ENVIRONMENT = /(^|\/)(environment[\w.-]*|conda)\.ya?ml$/;

/** The dependencies a manifest declares, or undefined when the file is none (or does not parse). */
export function declaredDependencies(path: string, text: string): DependencyManifest | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'pyproject.toml') return pyprojectDependencies(text);
  if (name === 'Pipfile') return pipfileDependencies(text);
  if (CONDA_ENVIRONMENT.test(path)) return condaDependencies(text);
  return undefined;
}

/** The entries of one of the project's dependency files: a requirements file, pyproject.toml,
 *  Pipfile or conda environment; none for any other file. */
export function dependencyEntries(project: ProjectIndex, path: string, text: string): Requirement[] {
  return project.file(path)?.kind === 'requirements' ? parseRequirements(text).requirements : (declaredDependencies(path, text)?.dependencies ?? []);
}

type Table = Record<string, unknown>;

function parseTomlQuietly(text: string): Table | undefined {
  try {
    return parseToml(text) as Table;
  } catch {
    return undefined;
  }
}

function table(value: unknown): Table | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Table) : undefined;
}

function lineRange(text: string, line: number): Range {
  const s = tomlLines(text)[line] ?? '';
  const indent = s.length - s.trimStart().length;
  return rangeOf(line, indent, line, s.slice(0, commentStart(s)).trimEnd().length);
}

/** PEP 508 strings of a TOML array at `path`, each placed on its literal. */
function pep508Array(text: string, path: string[], values: unknown): Requirement[] {
  if (!Array.isArray(values)) return [];
  const strings = values.filter((v): v is string => typeof v === 'string');
  const keyLine = tomlKeyLine(text, path);
  const literals = keyLine === undefined ? [] : tomlArrayStrings(text, keyLine);
  const placed = literals.length === strings.length && literals.every((l, i) => l.value === strings[i]);
  return strings.flatMap((value, i) => {
    const requirement = parseRequirements(value).requirements[0];
    if (!requirement) return [];
    const range = placed ? literals[i].range : lineRange(text, keyLine ?? 0);
    return [{ ...requirement, line: range.start.line, range }];
  });
}

/** Poetry and Pipenv both write `name = "spec"` or `name = { version = "spec", ... }`. */
function keyedDependencies(text: string, tablePath: string[], deps: unknown, pinnedSpec: (spec: string) => boolean): Requirement[] {
  const out: Requirement[] = [];
  for (const [name, value] of Object.entries(table(deps) ?? {})) {
    if (name === 'python') continue; // the interpreter, not a package
    const entries = Array.isArray(value) ? value : [value]; // Poetry: several constraints by marker
    let specifier = '';
    let url: string | undefined;
    let pinned = true;
    let local = false;
    for (const entry of entries) {
      const spec = typeof entry === 'string' ? entry : table(entry);
      if (typeof spec === 'string') {
        specifier = spec;
        pinned &&= pinnedSpec(spec);
      } else if (spec) {
        if (typeof spec.path === 'string') local = true; // the project's own code, or a sibling checkout
        else if (typeof spec.git === 'string') {
          url = spec.git;
          const ref = spec.rev ?? spec.ref;
          pinned &&= typeof ref === 'string' && /^[0-9a-f]{7,40}$/.test(ref);
        } else if (typeof spec.url === 'string' || typeof spec.file === 'string') {
          url = String(spec.url ?? spec.file);
          pinned &&= /\.(whl|tar\.gz|zip)$/.test(url);
        } else {
          specifier = typeof spec.version === 'string' ? spec.version : '';
          pinned &&= pinnedSpec(specifier);
        }
      }
    }
    if (local) continue;
    const line = tomlKeyLine(text, [...tablePath, name]) ?? tomlKeyLine(text, tablePath) ?? 0;
    const range = lineRange(text, line);
    out.push({ name, specifier: specifier === '*' ? '' : specifier, pinned, url, line, range });
  }
  return out;
}

// Poetry reads a bare version (`"2.2.1"`) as exactly that version.
const poetryPinned = (spec: string) => /^(==)?\s*\d[\w.+!-]*$/.test(spec.trim()) && !spec.includes('*');
const pipPinned = (spec: string) => /^===?\s*[^,*\s]+$/.test(spec.trim());

export function pyprojectDependencies(text: string): DependencyManifest | undefined {
  const data = parseTomlQuietly(text);
  if (!data) return undefined;
  const project = table(data.project);
  const poetry = table(table(data.tool)?.poetry);
  const dependencies: Requirement[] = [];
  dependencies.push(...pep508Array(text, ['project', 'dependencies'], project?.dependencies));
  for (const [extra, values] of Object.entries(table(project?.['optional-dependencies']) ?? {})) {
    dependencies.push(...pep508Array(text, ['project', 'optional-dependencies', extra], values));
  }
  for (const [group, values] of Object.entries(table(data['dependency-groups']) ?? {})) {
    dependencies.push(...pep508Array(text, ['dependency-groups', group], values));
  }
  if (poetry) {
    dependencies.push(...keyedDependencies(text, ['tool', 'poetry', 'dependencies'], poetry.dependencies, poetryPinned));
    dependencies.push(...keyedDependencies(text, ['tool', 'poetry', 'dev-dependencies'], poetry['dev-dependencies'], poetryPinned));
    for (const [group, body] of Object.entries(table(poetry.group) ?? {})) {
      dependencies.push(...keyedDependencies(text, ['tool', 'poetry', 'group', group, 'dependencies'], table(body)?.dependencies, poetryPinned));
    }
  }
  return { dependencies };
}

/** The dependencies a pyproject.toml or Pipfile installs to run the code, apart from those it sets
 *  aside for development or options (PEP 621 extras and dependency groups, Poetry groups, Pipfile's
 *  dev-packages); undefined for a file that has no such distinction (a requirements file, a conda
 *  environment) or does not parse. */
export function runtimeDependencies(path: string, text: string): Requirement[] | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name !== 'pyproject.toml' && name !== 'Pipfile') return undefined;
  const data = parseTomlQuietly(text);
  if (!data) return undefined;
  if (name === 'Pipfile') return keyedDependencies(text, ['packages'], data.packages, pipPinned);
  const poetry = table(table(data.tool)?.poetry);
  return [
    ...pep508Array(text, ['project', 'dependencies'], table(data.project)?.dependencies),
    ...(poetry ? keyedDependencies(text, ['tool', 'poetry', 'dependencies'], poetry.dependencies, poetryPinned) : []),
  ];
}

export function pipfileDependencies(text: string): DependencyManifest | undefined {
  const data = parseTomlQuietly(text);
  if (!data) return undefined;
  const dependencies = [
    ...keyedDependencies(text, ['packages'], data.packages, pipPinned),
    ...keyedDependencies(text, ['dev-packages'], data['dev-packages'], pipPinned),
  ];
  return { dependencies };
}

// A conda match spec: `[channel::]name[ version][=build]`. `numpy=1.26` and `numpy 1.26.4` name a
// version (conda reads `=1.26` as 1.26.*; it is taken as the pin its author meant); ranges,
// wildcards and bare names do not.
const CONDA_SPEC = /^(?:[\w.-]+::)?([A-Za-z0-9_][\w.-]*)\s*(.*)$/;
const condaPinned = (spec: string) => /^(==?|\s*)\s*[^*<>=!,|\s]+(=\S+)?$/.test(spec);

export function condaDependencies(text: string): DependencyManifest | undefined {
  const file = parseYaml(text);
  const root = file.documents[0]?.contents;
  if (file.errors.length || !isMap(root)) return undefined;
  const list = root.get('dependencies', true);
  if (!isSeq(list)) return { dependencies: [] };
  const dependencies: Requirement[] = [];
  for (const item of list.items) {
    if (isScalar(item) && typeof item.value === 'string') {
      const m = CONDA_SPEC.exec(item.value.trim());
      if (!m || m[1] === 'python' || m[1] === 'pip') continue;
      const range = nodeRange(file, item);
      dependencies.push({ name: m[1], specifier: m[2].trim(), pinned: condaPinned(m[2].trim()), line: range.start.line, range });
    } else if (isMap(item)) {
      const pip: unknown = item.get('pip', true);
      if (!isSeq(pip)) continue;
      for (const entry of pip.items) {
        if (!isScalar(entry) || typeof entry.value !== 'string') continue;
        const requirement = parseRequirements(entry.value).requirements[0];
        if (!requirement) continue; // `-r requirements.txt`, `-e .`, options
        const range = nodeRange(file, entry);
        dependencies.push({ ...requirement, line: range.start.line, range });
      }
    }
  }
  return { dependencies };
}

/** How a pyproject.toml describes the project: a package it builds for others to install (a build
 *  system, a name and a version, and no word that it is an application), an application, or
 *  neither (a pyproject.toml that only configures tools). */
export function pyprojectKind(text: string): 'package' | 'application' | undefined {
  const data = parseTomlQuietly(text);
  if (!data) return undefined;
  const project = table(data.project);
  const tool = table(data.tool);
  const poetry = table(tool?.poetry);
  if (!project && !poetry) return undefined;
  const name = project?.name ?? poetry?.name;
  const dynamic = Array.isArray(project?.dynamic) ? project.dynamic : [];
  const versioned = (project?.version ?? poetry?.version) !== undefined || dynamic.includes('version');
  const classifiers = [project?.classifiers, poetry?.classifiers].flatMap((c) => (Array.isArray(c) ? c : []));
  const application =
    // Poetry's and uv's ways of saying "an application, not a package", and PyPI's upload guard.
    poetry?.['package-mode'] === false ||
    table(tool?.uv)?.package === false ||
    classifiers.some((c) => typeof c === 'string' && /^Private\s*::/.test(c));
  return data['build-system'] !== undefined && typeof name === 'string' && versioned && !application ? 'package' : 'application';
}


// Files that say what a project depends on or how it is built.
const PROJECT_MANIFEST = /(^|\/)(pyproject\.toml|setup\.cfg|setup\.py|requirements[^/]*\.(txt|in)|Pipfile|(environment[\w.-]*|conda)\.ya?ml)$/;
// A requirements file that installs the project itself (`-e .`, `.`): the environment of an application.
const INSTALLS_ITSELF = /^[ \t]*(?:(?:-e|--editable)[ \t]+)?\.(?:\[[^\]\n]*\])?[ \t]*(?:#.*)?$/m;

/** The manifest of a package the project publishes for others, if it is one: a pyproject.toml that
 *  builds a named, versioned package (pyprojectKind), else a setup.cfg with `[metadata]` or a
 *  setup.py, in the project's top folder (the shallowest that holds a manifest or a dependency file). Not a package: the same
 *  folder holds a Dockerfile (the project deploys itself), its requirements.txt installs the project
 *  (`-e .`), or the package is `src` itself (`src/__init__.py`: a project's code made importable,
 *  never published). A package declares dependency ranges on purpose, for its users. */
export function publishedPackage(project: ProjectIndex): string | undefined {
  const manifests = project.files.map((f) => f.path).filter((p) => PROJECT_MANIFEST.test(p));
  if (manifests.length === 0) return undefined;
  const depth = (p: string) => p.split('/').length;
  const top = Math.min(...manifests.map(depth));
  const folder = folderOf(manifests.find((p) => depth(p) === top)!);
  const inFolder = (name: string) => (folder ? `${folder}/${name}` : name);
  const pyproject = project.documents.get(inFolder('pyproject.toml'));
  const pyprojectSays = pyproject === undefined ? undefined : pyprojectKind(pyproject);
  let manifest: string | undefined;
  if (pyprojectSays === 'application') return undefined;
  if (pyprojectSays === 'package') manifest = inFolder('pyproject.toml');
  else if (/^\[metadata\][^[]*^name\s*=/m.test(project.documents.get(inFolder('setup.cfg')) ?? '')) manifest = inFolder('setup.cfg');
  else if (project.has(inFolder('setup.py'))) manifest = inFolder('setup.py');
  if (!manifest) return undefined;
  const requirements = project.documents.get(inFolder('requirements.txt'));
  const applicationSigns =
    ['Dockerfile', 'Containerfile'].some((name) => project.has(inFolder(name))) ||
    (requirements !== undefined && INSTALLS_ITSELF.test(requirements)) ||
    project.has(inFolder('src/__init__.py'));
  return applicationSigns ? undefined : manifest;
}
