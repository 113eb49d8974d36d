import { PersonalDataHit } from './personalData';
import { PythonFacts } from './python/facts';
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

/** What the project looks like as a whole: its files, and the facts each file gave.
 *  Project rules and cross-file questions read this, never the disk. */
export class ProjectIndex {
  private readonly byPath = new Map<string, ProjectFile>();
  private readonly moduleToPath = new Map<string, string>();
  private readonly trackedPaths?: Set<string>;
  private importers?: Map<string, string[]>;

  constructor(
    readonly files: ProjectFile[],
    readonly facts: Map<string, FileFacts>,
    /** Texts of small files that describe the project (README, CI files, .gitignore, CODEOWNERS ...). */
    readonly documents: Map<string, string> = new Map(),
    /** Files git tracks; undefined when the root is not a git repository's top folder or git is unavailable. */
    readonly tracked?: string[],
  ) {
    for (const file of files) this.byPath.set(file.path, file);
    if (tracked) this.trackedPaths = new Set(tracked);
    // A module can be imported by its full dotted path or, in src/ layouts, by a shorter suffix.
    for (const [path, fact] of facts) {
      const name = fact.python?.module;
      if (!name || path.endsWith('.ipynb')) continue;
      const parts = name.split('.');
      for (let i = parts.length - 1; i >= 0; i--) {
        const suffix = parts.slice(i).join('.');
        if (i === 0 || !this.moduleToPath.has(suffix)) this.moduleToPath.set(suffix, path);
      }
    }
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

  /** The project file an import refers to (`src.features` or `features`), if it is one of ours. */
  resolveModule(name: string): string | undefined {
    for (let candidate = name; candidate; candidate = candidate.slice(0, Math.max(0, candidate.lastIndexOf('.')))) {
      const found = this.moduleToPath.get(candidate);
      if (found) return found;
      if (!candidate.includes('.')) break;
    }
    return undefined;
  }

  /** Project files a file imports directly. */
  importsOf(path: string): string[] {
    const facts = this.python(path);
    if (!facts) return [];
    const found = new Set<string>();
    for (const name of facts.imports) {
      const target = this.resolveModule(name);
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
      this.importers = new Map();
      for (const [importer] of this.pythonFiles()) {
        for (const imported of this.importsOf(importer)) {
          const list = this.importers.get(imported);
          if (list) list.push(importer);
          else this.importers.set(imported, [importer]);
        }
      }
    }
    return this.importers.get(path) ?? [];
  }

  /** Whether the project has any Python module or notebook that imports an ML library. */
  get hasMLCode(): boolean {
    return this.pythonFiles().some(([, f]) => f.isML);
  }
}
