// Files changed on disk (reported by the editor's file watchers, or by saves): a changed file the
// project knows is re-read alone; configuration, ignore files and created or deleted files make
// the project scan again. Events are gathered first: a checkout changes many files at once.
import * as path from 'path';
import { FileChangeType, FileEvent, FileSystemWatcher } from 'vscode-languageserver';
import { isInSkippedDir } from '../engine/workspace';
import { Project } from './project';

/** Events are gathered this long before the projects are updated. */
const DEBOUNCE_MS = 300;
/** More changed files than this at once: scan the project again rather than file by file. */
const RESCAN_THRESHOLD = 100;

/** Files whose change can change any finding of the project. */
const PROJECT_SETTINGS_FILES = new Set(['pyproject.toml', '.ml-hygiene.yaml', '.ml-hygiene.yml', '.gitignore']);

/** What the server asks the editor to watch. */
export const WATCHED_FILES: FileSystemWatcher[] = [
  '**/{pyproject.toml,.ml-hygiene.yaml,.ml-hygiene.yml,.gitignore}',
  '**/{requirements,constraints}*.{txt,in}',
  '**/requirements/*.{txt,in}',
  '**/*.{py,pyw,ipynb,yaml,yml}',
  // CI and the files project rules read (README, CODEOWNERS, Dockerfile, DVC files).
  '**/{Jenkinsfile,CODEOWNERS,OWNERS,Dockerfile,Makefile,MLproject,.dvcignore}',
  '**/*.{md,rst,dvc,cfg,toml}',
].map((globPattern) => ({ globPattern }));

export class DiskChanges {
  private readonly updates = new Map<Project, Set<string>>();
  private readonly scans = new Set<Project>();
  private timer?: NodeJS.Timeout;

  constructor(
    /** Runs the gathered work, logging what fails. */
    private readonly run: (work: () => Promise<void>) => void,
    /** A project's findings changed. */
    private readonly updated: (project: Project) => void,
  ) {}

  /** Notes one event about `filePath` (relative to the project's root). */
  add(project: Project, filePath: string, event: FileEvent['type']): void {
    if (isInSkippedDir(filePath)) return;
    if (PROJECT_SETTINGS_FILES.has(path.posix.basename(filePath)) || event !== FileChangeType.Changed) this.scans.add(project);
    else {
      const paths = this.updates.get(project) ?? new Set<string>();
      paths.add(filePath);
      this.updates.set(project, paths);
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(() => this.apply()), DEBOUNCE_MS);
  }

  private async apply(): Promise<void> {
    const scans = new Set(this.scans);
    const updates = new Map(this.updates);
    this.scans.clear();
    this.updates.clear();
    for (const [project, paths] of updates) {
      if (scans.has(project)) continue;
      await project.ready;
      if (paths.size > RESCAN_THRESHOLD || !project.updateFromDisk([...paths])) scans.add(project);
      else this.updated(project);
    }
    await Promise.all(
      [...scans].map(async (project) => {
        await project.scan();
        this.updated(project);
      }),
    );
  }
}
