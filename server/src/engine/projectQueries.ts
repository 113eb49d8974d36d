// Questions project rules ask of the index: where a finding goes, which modules are ML code, which
// train or save models. Answers come from the facts and documents the scan gathered, never the disk.
import { ProjectFile, ProjectIndex } from './project';
import type { ProjectFinding } from './rule';
import { trainsModel } from './python/facts';
import { isInPackage } from './python/module';
import { TENSORFLOW_PACKAGES } from './python/tensorflow';
import { TORCH_PACKAGES } from './python/torch';
import { FILE_START, Range, RelatedLocation } from './types';

const ROOT_README = /^readme(\.(md|markdown|rst|txt))?$/i;

/** The README in the project's root folder, if the project has one. */
export function readmePath(project: ProjectIndex): string | undefined {
  return project.files.find((f) => {
    const local = project.local(f.path);
    return !local.includes('/') && ROOT_README.test(local);
  })?.path;
}

/** Where a project finding without a file of its own goes: the project's README, else its
 *  pyproject.toml or dependency file, else the repository's README or pyproject.toml, else the
 *  first file it is about (so that it always sits on a file that exists). */
export function projectAnchor(project: ProjectIndex, evidence: string[]): { path: string; range: Range } {
  const pyproject = (p: ProjectIndex) => (p.has(p.inProject('pyproject.toml')) ? p.inProject('pyproject.toml') : undefined);
  const manifest = project.root ? project.files.find((f) => project.local(f.path) === 'requirements.txt' || project.local(f.path) === 'Pipfile')?.path : undefined;
  const repository = project.repository;
  const path = readmePath(project) ?? pyproject(project) ?? manifest ?? readmePath(repository) ?? pyproject(repository) ?? evidence[0] ?? 'README.md';
  return { path, range: FILE_START };
}

/** A finding about the project as a whole whose fix creates a file that is not there yet (a CI
 *  workflow, CODEOWNERS, tests): named on the project's anchor, shown by editors with the project. */
export function wholeProject(project: ProjectIndex, evidence: string[]): { path: string; range: Range; wholeProject: true } {
  return { ...projectAnchor(project, evidence), wholeProject: true };
}

/** Where a finding about the project's dependencies goes: its requirements file, Pipfile or
 *  pyproject.toml (what an update bot or a lock keeps current), else the project's anchor. */
export function manifestAnchor(project: ProjectIndex, manifests: string[]): { path: string; range: Range } {
  const rank = (p: string) => (/(^|\/)requirements[^/]*\.txt$/.test(p) ? 0 : /(^|\/)pyproject\.toml$/.test(p) ? 1 : 2);
  const best = [...manifests].sort((a, b) => rank(a) - rank(b) || a.length - b.length || a.localeCompare(b))[0];
  return best ? { path: best, range: FILE_START } : projectAnchor(project, manifests);
}

/** Where a finding about how models are trained goes: the first training module (a script, before
 *  a notebook, whose JSON is no place for it), else the project's anchor. */
export function trainingAnchor(project: ProjectIndex, training: string[]): { path: string; range: Range } {
  const script = training.find((p) => p.endsWith('.py'));
  return script ? { path: script, range: FILE_START } : projectAnchor(project, training);
}

const RELATED_LIMIT = 10;

/** Related locations (line 1 of each file) for the files a finding is about, the first few only. */
export function relatedFiles(paths: string[], message: string): RelatedLocation[] {
  return paths.slice(0, RELATED_LIMIT).map((path) => ({ path, range: FILE_START, message }));
}

const everyFile = () => true;

/** Non-test modules and notebooks that import an ML library (of the roles `appliesTo` accepts). */
export function mlModules(project: ProjectIndex, appliesTo: (path: string) => boolean = everyFile): string[] {
  return project
    .pythonFiles()
    .filter(([p, f]) => f.isML && !f.isTest && appliesTo(p))
    .map(([p]) => p);
}

/** Modules and notebooks that train models (of the roles `appliesTo` accepts). */
export function trainingFiles(project: ProjectIndex, appliesTo: (path: string) => boolean = everyFile): string[] {
  return project
    .pythonFiles()
    .filter(([p, f]) => trainsModel(f) && appliesTo(p))
    .map(([p]) => p);
}

/** Modules and notebooks that import any of the packages (or their submodules). */
export function filesImporting(project: ProjectIndex, packages: string[]): string[] {
  return project
    .pythonFiles()
    .filter(([, f]) => f.imports.some((m) => packages.some((p) => isInPackage(m, p))))
    .map(([p]) => p);
}

/** Modules and notebooks that work with torch (import it or a library built on it). */
export function torchFiles(project: ProjectIndex): string[] {
  return filesImporting(project, TORCH_PACKAGES);
}

/** Modules and notebooks that work with TensorFlow or Keras. */
export function tensorflowFiles(project: ProjectIndex): string[] {
  return filesImporting(project, TENSORFLOW_PACKAGES);
}

/** Modules and notebooks that work with tensors of torch, TensorFlow or Keras. */
export function tensorFiles(project: ProjectIndex): string[] {
  return filesImporting(project, [...TORCH_PACKAGES, ...TENSORFLOW_PACKAGES]);
}

/** Whether a dependency file of the project names any of the packages. */
export function dependsOnAny(project: ProjectIndex, packages: string[]): boolean {
  const wanted = new Set(packages.map(normalizePackage));
  for (const fact of project.facts.values()) if (fact.requirements?.some((r) => wanted.has(normalizePackage(r)))) return true;
  for (const [path, text] of project.documents) {
    if (!/(^|\/)(pyproject\.toml|Pipfile|environment\.ya?ml|setup\.cfg)$/.test(path)) continue;
    for (const name of packages) if (new RegExp(`(^|[\\s"'\\[,])${name.replace(/[-_.]/g, '[-_.]')}\\b`, 'im').test(text)) return true;
  }
  return false;
}

export function normalizePackage(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The Markdown / reStructuredText headings of a document, lower-cased. */
export function headingsOf(text: string): string[] {
  const out: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const atx = /^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    if (atx) out.push(atx[1].toLowerCase());
    else if (i > 0 && /^(=+|-+|~+|\^+)\s*$/.test(line) && lines[i - 1].trim()) out.push(lines[i - 1].trim().toLowerCase());
  });
  return out;
}

/** Paths of files whose name (not folder) matches. */
export function filesNamed(project: ProjectIndex, name: RegExp): string[] {
  return project.files.filter((f) => name.test(f.path.slice(f.path.lastIndexOf('/') + 1))).map((f) => f.path);
}

/** Where a finding about what git should not hold goes: the root .gitignore (where the pattern
 *  belongs), else .gitattributes (LFS), else the project's usual anchor. */
export function gitignoreAnchor(project: ProjectIndex, evidence: string[]): { path: string; range: Range } {
  for (const index of [project, project.repository]) {
    for (const name of ['.gitignore', '.gitattributes']) if (index.has(index.inProject(name))) return { path: index.inProject(name), range: FILE_START };
  }
  return projectAnchor(project, evidence);
}

/** The finding for files that git holds and that belong in DVC or Git LFS (`fromGit` as
 *  versioning.filesInGitProper gives it): on the .gitignore, each file a related location labelled
 *  with its kind and size, the message made from where they are (`tracked by git`). */
export function committedFilesFinding(
  project: ProjectIndex,
  files: ProjectFile[],
  fromGit: boolean,
  kind: string,
  message: (where: string) => string,
): ProjectFinding {
  return {
    ...gitignoreAnchor(project, files.map((f) => f.path)),
    // Without git's index the rule only knows what would be committed.
    severity: fromGit ? undefined : 'information',
    message: message(fromGit ? 'tracked by git' : 'not ignored by .gitignore'),
    related: files.slice(0, RELATED_LIMIT).map((f) => ({ path: f.path, range: FILE_START, message: `${kind}, ${fileSize(f.size)}` })),
  };
}

/** `12.3 MB`, or `4 KB` below a megabyte. */
export function fileSize(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
