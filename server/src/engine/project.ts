import { folderOf } from './folders';
import type { PersonalDataHit } from './personalData';
import { projectRootOf, projectRoots } from './projects';
import { absoluteModule, PythonFacts } from './python/facts';
import { classifyRole, Role, RoleContext, roleContext, roleOverrides, servedRole } from './roles';
import { FileKind } from './types';

export interface ProjectFile {
  /** Relative to the root, forward slashes. */
  path: string;
  kind: FileKind;
  size: number;
}

/** Facts one file contributes to the project index. Plain data (crosses worker threads). */
export interface FileFacts {
  path: string;
  kind: FileKind;
  python?: PythonFacts;
  /** Key paths of a YAML file (`train.lr` as ['train', 'lr']). */
  yamlKeys?: string[][];
  /** Package names of a dependency file. */
  requirements?: string[];
  /** The first personal data found in a sample of a data file, or in a notebook's outputs. */
  personalData?: PersonalDataHit;
}

/** How the configuration lays out the repository: project roots (folders or globs, replacing the
 *  detection by marker files) and role overrides by glob. */
export interface ProjectLayout {
  roots?: string[];
  roles?: Record<string, Role>;
}

/** What the repository shares with all its project views: where projects start, the views, and
 *  the role of each file (classified on first use, once). */
interface RepositoryFacts {
  rootOf: (path: string) => string;
  projects: ProjectIndex[];
  roleOverride: (path: string) => Role | undefined;
  roles?: Map<string, Role>;
  /** A pre-index's classification context: as if no file imported another. */
  contextSoFar?: RoleContext;
}

/** A question a pre-index cannot answer yet: it needs the facts of files not read so far. The rule
 *  that asked runs again once the whole index is built. */
export class NotYetKnown extends Error {
  constructor(what: string) {
    super(`not known before every file is read: ${what}`);
  }
}

/** The file a pre-index's first pass is at, with its facts: the one file whose facts it knows
 *  besides those known beforehand. Shared by the repository's index and its project views. */
interface FileAt {
  path?: string;
  facts?: FileFacts;
}

/** The facts of a pre-index: those known already (files whose results were cached, the
 *  configuration and data files read first) and those of the file the pass is at. Asking for another file whose facts are still to
 *  come, or for all the facts while any are, throws NotYetKnown; every other answer is the one the
 *  whole index gives. */
export class FactsSoFar extends Map<string, FileFacts> {
  constructor(
    known: Iterable<[string, FileFacts]>,
    /** Files whose facts the first pass is still to give. */
    private readonly pending: ReadonlySet<string>,
    /** Each file's place in the repository's list: the whole index holds its facts in that order. */
    private readonly order: ReadonlyMap<string, number>,
    readonly at: FileAt = {},
  ) {
    super(known);
  }

  /** The same, for the files a project view holds. */
  within(inProject: (path: string) => boolean): FactsSoFar {
    return new FactsSoFar(
      [...super.entries()].filter(([p]) => inProject(p)),
      new Set([...this.pending].filter(inProject)),
      this.order,
      this.at,
    );
  }

  private isAt(path: string): boolean {
    return path === this.at.path && this.pending.has(path);
  }

  override get(path: string): FileFacts | undefined {
    if (this.isAt(path)) return this.at.facts;
    if (this.pending.has(path)) throw new NotYetKnown(`the facts of ${path}`);
    return super.get(path);
  }

  override has(path: string): boolean {
    return this.get(path) !== undefined;
  }

  private all(): [string, FileFacts][] {
    for (const path of this.pending) if (!this.isAt(path)) throw new NotYetKnown('the facts of every file');
    const entries = [...super.entries()];
    if (this.at.path !== undefined && this.at.facts && this.isAt(this.at.path)) entries.push([this.at.path, this.at.facts]);
    return entries.sort(([a], [b]) => this.order.get(a)! - this.order.get(b)!);
  }

  override get size(): number {
    return this.all().length;
  }

  override entries(): MapIterator<[string, FileFacts]> {
    return this.all()[Symbol.iterator]();
  }

  override [Symbol.iterator](): MapIterator<[string, FileFacts]> {
    return this.entries();
  }

  override keys(): MapIterator<string> {
    return this.all().map(([p]) => p)[Symbol.iterator]();
  }

  override values(): MapIterator<FileFacts> {
    return this.all().map(([, f]) => f)[Symbol.iterator]();
  }

  override forEach(callback: (value: FileFacts, key: string, map: Map<string, FileFacts>) => void, thisArg?: unknown): void {
    for (const [p, f] of this.all()) callback.call(thisArg, f, p, this);
  }
}

/** What a repository, or one project inside it, looks like as a whole: its files, and the facts each
 *  file gave. Project rules and cross-file questions read this, never the disk.
 *
 *  The index built from a scan is the repository's; `projects()` gives a view per project (a folder
 *  with its own pyproject.toml, requirements*.txt, Pipfile ...: see projects.ts), whose files,
 *  facts and documents are those of that project only. Imports resolve inside a view, the way
 *  Python finds modules when the project runs. */
export class ProjectIndex {
  private readonly byPath = new Map<string, ProjectFile>();
  private readonly trackedPaths?: Set<string>;
  private importers?: Map<string, string[]>;
  private importRoots?: string[];
  private modules?: Map<string, string>;
  private folderNames?: Map<string, Set<string>>;
  /** Absolute import names found in the import roots, or not (undefined), each looked up once per
   *  index: the modules of a package import the same names (keras: 1,000 modules, 2,300 names). */
  private readonly inImportRoots = new Map<string, string | undefined>();
  /** The whole repository (this index itself, unless this is a project view). */
  readonly repository: ProjectIndex;
  /** The project's root folder, relative to the repository's root ('' for the repository itself). */
  readonly root: string;
  /** Set on the repository's index only; views read the repository's (see `shared`). */
  private readonly repositoryShared?: RepositoryFacts;

  constructor(
    readonly files: ProjectFile[],
    readonly facts: Map<string, FileFacts>,
    /** Texts of small files that describe the project (README, CI files, .gitignore, CODEOWNERS ...). */
    readonly documents: Map<string, string> = new Map(),
    /** Files git tracks; undefined when the root is not a git repository's top folder or git is unavailable. */
    readonly tracked?: string[],
    private readonly layout: ProjectLayout = {},
    /** For a project view: the repository and the project's root folder ('' for the repository's). */
    view?: { repository: ProjectIndex; root: string },
  ) {
    for (const file of files) this.byPath.set(file.path, file);
    if (tracked) this.trackedPaths = view?.repository.trackedPaths ?? new Set(tracked);
    this.repository = view?.repository ?? this;
    this.root = view?.root ?? '';
    if (!view) this.repositoryShared = this.repositoryFacts(layout);
  }

  private get shared(): RepositoryFacts {
    return this.repository.repositoryShared!;
  }

  private repositoryFacts(layout: ProjectLayout): RepositoryFacts {
    const paths = this.files.map((f) => f.path);
    const rootOf = projectRootOf(projectRoots(paths, layout.roots));
    const shared: RepositoryFacts = { rootOf, projects: [], roleOverride: roleOverrides(layout.roles) };
    const roots = [...new Set(paths.map(rootOf))].sort();
    // One project at the repository's root: the index is its own view.
    if (roots.length === 0 || (roots.length === 1 && roots[0] === '')) shared.projects = [this];
    else {
      shared.projects = roots.map((root) => {
        const inProject = (path: string) => rootOf(path) === root;
        const pick = <T>(map: Map<string, T>) => new Map([...map].filter(([p]) => inProject(p)));
        const facts = this.facts instanceof FactsSoFar ? this.facts.within(inProject) : pick(this.facts);
        return new ProjectIndex(this.files.filter((f) => inProject(f.path)), facts, pick(this.documents), this.tracked, {}, { repository: this, root });
      });
    }
    return shared;
  }

  /** Every file's role. A module's role depends on whether another file of its project imports it. */
  private classifyRoles(): Map<string, Role> {
    const repository = this.repository;
    const imported = new Set<string>();
    for (const project of repository.projects()) for (const [path] of project.pythonFiles()) for (const target of project.importsOf(path)) imported.add(target);
    const context = roleContext(repository.files.map((f) => f.path), imported);
    const roles = new Map<string, Role>();
    for (const file of repository.files) {
      const python = repository.python(file.path);
      roles.set(file.path, this.shared.roleOverride(file.path) ?? classifyRole({ path: file.path, kind: file.kind, python }, context));
    }
    // Dependency and config files serve the project's code: in a project of lessons or notebooks
    // only, they are lessons or notebooks too.
    for (const project of repository.projects()) {
      const served = servedRole(project.files.filter((f) => f.kind === 'python' || f.kind === 'notebook').map((f) => roles.get(f.path)!));
      if (!served) continue;
      for (const file of project.files) {
        if (file.kind !== 'python' && file.kind !== 'notebook' && roles.get(file.path) === 'pipeline' && !this.shared.roleOverride(file.path)) roles.set(file.path, served);
      }
    }
    return roles;
  }

  /** A pre-index's role of the file its first pass is at, as it is when no other file imports it
   *  (else a module outside a package is a library) and the project's code is not all lessons or
   *  notebooks (else its dependency and config files take their role, see servedRole): most often
   *  so. The scan checks it against the whole index's role and runs the file's rules again when it
   *  differs. Another file's role needs its facts. */
  private roleSoFar(path: string, facts: FactsSoFar): Role {
    const override = this.shared.roleOverride(path);
    if (override) return override;
    if (path !== facts.at.path) throw new NotYetKnown(`the role of ${path}`);
    const context = (this.shared.contextSoFar ??= roleContext(this.repository.files.map((f) => f.path), new Set()));
    return classifyRole({ path, kind: this.repository.file(path)!.kind, python: facts.at.facts?.python }, context);
  }

  /** The pre-index is at this file (its facts are known), or at none. */
  atFile(path?: string, facts?: FileFacts): void {
    if (!(this.facts instanceof FactsSoFar)) throw new Error('only a pre-index is built file by file');
    this.facts.at.path = path;
    this.facts.at.facts = facts;
  }

  /** The repository's index with one file listed and described anew (an open document as it is
   *  edited). A file's role reads what the file imports, trains and saves, and what the other files
   *  import: when the file's facts say the same of these, every role stays, and the new index takes
   *  the roles over instead of classifying each file again. */
  withFile(file: ProjectFile, facts: FileFacts): ProjectIndex {
    const repository = this.repository;
    const files = repository.has(file.path) ? repository.files.map((f) => (f.path === file.path ? file : f)) : [...repository.files, file];
    const next = new ProjectIndex(files, new Map(repository.facts).set(file.path, facts), repository.documents, repository.tracked, repository.layout);
    const before = repository.python(file.path);
    const after = facts.python;
    const sameRoles =
      repository.has(file.path) &&
      file.kind === repository.file(file.path)!.kind &&
      (before === after ||
        (before !== undefined &&
          after !== undefined &&
          before.module === after.module &&
          before.isML === after.isML &&
          before.trainsModel === after.trainsModel &&
          before.savesModel === after.savesModel &&
          before.imports.join('\n') === after.imports.join('\n')));
    if (sameRoles && this.shared.roles) next.shared.roles = this.shared.roles;
    return next;
  }

  /** The projects of the repository: one view each (just this index when there is one project). */
  projects(): ProjectIndex[] {
    return this.shared.projects;
  }

  /** The project a file belongs to. */
  projectOf(path: string): ProjectIndex {
    const root = this.shared.rootOf(path);
    return this.shared.projects.find((p) => p.root === root) ?? this.repository;
  }

  /** What a file is for (roles.ts); files the index does not list are classified by path alone. */
  roleOf(path: string): Role {
    const facts = this.repository.facts;
    if (facts instanceof FactsSoFar && this.repository.has(path)) return this.roleSoFar(path, facts);
    this.shared.roles ??= this.classifyRoles();
    return this.shared.roles.get(path) ?? this.shared.roleOverride(path) ?? classifyRole({ path, kind: 'other' }, roleContext([path], new Set()));
  }

  /** A path relative to the project's root. */
  local(path: string): string {
    return this.root ? path.slice(this.root.length + 1) : path;
  }

  /** A path from the project's root to a path from the repository's root. */
  inProject(local: string): string {
    return this.root ? `${this.root}/${local}` : local;
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  file(path: string): ProjectFile | undefined {
    return this.byPath.get(path);
  }

  /** Whether git tracks the file; undefined when the project is not a git repository (then only
   *  .gitignore says what would be committed). */
  isTracked(path: string): boolean | undefined {
    return this.trackedPaths?.has(path);
  }

  python(path: string): PythonFacts | undefined {
    return this.facts.get(path)?.python;
  }

  /** Python facts of every module and notebook. */
  pythonFiles(): [string, PythonFacts][] {
    const out: [string, PythonFacts][] = [];
    for (const [path, fact] of this.facts) if (fact.python) out.push([path, fact.python]);
    return out;
  }

  /** Folders absolute imports are looked up in, besides the importing script's own folder: the
   *  project root, its src/ folder, and the folder holding each top-level package (a folder with
   *  __init__.py whose parent has none), as an installed or path-configured project has them. */
  private absoluteImportRoots(): string[] {
    if (!this.importRoots) {
      const roots = new Set([this.root, this.inProject('src')]);
      for (const file of this.files) {
        if (!file.path.endsWith('/__init__.py')) continue;
        const packageFolder = folderOf(file.path);
        const parent = folderOf(packageFolder);
        if (!this.has(parent ? `${parent}/__init__.py` : '__init__.py')) roots.add(parent);
      }
      this.importRoots = [...roots];
    }
    return this.importRoots;
  }

  /** The project's .py files by the module path an import looks them up by: `pkg/mod` for
   *  pkg/mod.py, `pkg` for pkg/__init__.py (and `pkg/__init__`), the module file first when both
   *  are there. */
  private modulePaths(): Map<string, string> {
    if (!this.modules) {
      this.modules = new Map();
      for (const { path } of this.files) {
        if (path.endsWith('/__init__.py')) this.modules.set(path.slice(0, -'/__init__.py'.length), path);
      }
      for (const { path } of this.files) if (path.endsWith('.py')) this.modules.set(path.slice(0, -'.py'.length), path);
    }
    return this.modules;
  }

  /** Per folder, the first names of the dotted names its modules are imported by: its modules and
   *  packages (`features` for features.py and for features/__init__.py), and its folders that hold
   *  one (imported as namespace packages). */
  private namesInFolders(): Map<string, Set<string>> {
    if (!this.folderNames) {
      const folderNames = new Map<string, Set<string>>();
      this.folderNames = folderNames;
      for (let path of this.modulePaths().keys()) {
        // The module's name in its folder, then each folder's in the one above, up to the root.
        while (path) {
          const folder = folderOf(path);
          let names = folderNames.get(folder);
          if (!names) folderNames.set(folder, (names = new Set()));
          const name = path.slice(folder ? folder.length + 1 : 0);
          if (names.has(name)) break;
          names.add(name);
          path = folder;
        }
      }
    }
    return this.folderNames;
  }

  /** The module file of a dotted name inside a folder ('' for the project's root). Most names a file
   *  imports start with no name of its own folder: those are answered without building the path
   *  (on keras, 28,000 look-ups when every file's role is classified). */
  private moduleIn(folder: string, dotted: string): string | undefined {
    const dot = dotted.indexOf('.');
    if (!this.namesInFolders().get(folder)?.has(dot < 0 ? dotted : dotted.slice(0, dot))) return undefined;
    const slashed = dotted.replaceAll('.', '/');
    return this.modulePaths().get(folder ? `${folder}/${slashed}` : slashed);
  }

  /** The project module a file's import names (`features`, `src.features`, `.features`,
   *  `..utils.io`): relative imports from the importing file's package, absolute ones from its own
   *  folder, then the project's import roots. Only .py files of this project count. */
  resolveModule(from: string, name: string): string | undefined {
    return this.resolveFrom(from, folderOf(from), name);
  }

  /** resolveModule, with the importing file's folder found once for all its imports. */
  private resolveFrom(from: string, ownFolder: string, name: string): string | undefined {
    if (!name) return undefined;
    if (name.startsWith('.')) {
      const facts = this.python(from);
      if (!facts) return undefined;
      const absolute = absoluteModule(name, facts.module, /__init__\.py$/.test(from));
      return absolute ? this.moduleIn('', absolute) : undefined;
    }
    const found = this.moduleIn(ownFolder, name);
    if (found) return found;
    if (!this.inImportRoots.has(name)) {
      let inRoots: string | undefined;
      for (const folder of this.absoluteImportRoots()) if ((inRoots = this.moduleIn(folder, name))) break;
      this.inImportRoots.set(name, inRoots);
    }
    return this.inImportRoots.get(name);
  }

  /** Project files a file imports directly (`from pkg import name` finds pkg/name.py, else pkg). */
  importsOf(path: string): string[] {
    const facts = this.python(path);
    if (!facts) return [];
    const found = new Set<string>();
    const ownFolder = folderOf(path);
    for (const name of facts.imports) {
      const target = this.resolveFrom(path, ownFolder, name) ?? this.resolveFrom(path, ownFolder, parentModule(name));
      if (target && target !== path) found.add(target);
    }
    return [...found];
  }

  /** The file and every project module it imports, transitively. */
  importClosure(path: string): string[] {
    const seen = new Set<string>([path]);
    const queue = [path];
    while (queue.length) {
      for (const next of this.importsOf(queue.shift()!)) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return [...seen];
  }

  /** Project files that import `path` directly, in the order of pythonFiles(). */
  importersOf(path: string): string[] {
    // Built once per index: every file asks who imports it.
    if (!this.importers) {
      // Kept only once complete: a pre-index cannot list every importer (NotYetKnown).
      const importers = new Map<string, string[]>();
      for (const [importer] of this.pythonFiles()) {
        for (const imported of this.importsOf(importer)) {
          const list = importers.get(imported);
          if (list) list.push(importer);
          else importers.set(imported, [importer]);
        }
      }
      this.importers = importers;
    }
    return this.importers.get(path) ?? [];
  }

  /** Whether the project has any Python module or notebook that imports an ML library. */
  get hasMLCode(): boolean {
    return this.pythonFiles().some(([, f]) => f.isML);
  }
}

/** `pkg.sub` for `pkg.sub.name`; '' for a top-level name; `..` stays relative (`..pkg` for `..pkg.name`). */
function parentModule(name: string): string {
  const dots = /^\.*/.exec(name)![0];
  const rest = name.slice(dots.length);
  return rest.includes('.') ? dots + rest.slice(0, rest.lastIndexOf('.')) : dots;
}
