import { patternMatcher } from '../engine/gitPatterns';
import { defineRule, ProjectContext } from '../engine/rule';
import { isDataFile } from '../engine/dataFiles';
import { relatedFiles } from '../engine/projectQueries';
import { FILE_START, rangeOf } from '../engine/types';
import { ALL_BUT_GENERATED } from '../engine/roles';
import { folderPrefix } from '../engine/folders';

// Files DVC needs in git: the metadata of tracked data, the pipeline and its lock, the shared config.
const DVC_METADATA_PROBES = ['data.dvc', 'data/raw.dvc', 'dvc.lock', 'dvc.yaml', '.dvc/config'];
/** What DVC keeps in git: the pipeline, its lock, `.dvc` files, the shared config. */
const DVC_FILE = /\.dvc$|(^|\/)dvc\.(ya?ml|lock)$|(^|\/)\.dvc\/config$/;
const REMOTE_SECTION = /^\s*\[\s*['"]?remote\s+"[^"]+"\s*['"]?\s*\]/m;


/** A dvc.yaml whose dvc.lock is missing (or, in a git repository, not committed), once DVC is
 *  initialised: before `dvc init` the pipeline cannot have run, and a missing lock is expected. */
function pipelinesWithoutLock(ctx: ProjectContext): void {
  const { project } = ctx;
  if (!project.has('.dvc/config')) return;
  for (const file of project.files.filter((f) => /(^|\/)dvc\.ya?ml$/.test(f.path))) {
    const lock = `${folderPrefix(file.path)}dvc.lock`;
    const missing = !project.has(lock);
    if (!missing && project.isTracked(lock) !== false) continue;
    ctx.report({
      path: file.path,
      message: missing
        ? `${file.path} has no dvc.lock: run \`dvc repro\` and commit dvc.lock so that the pipeline's results are versioned`
        : `${lock} is not committed: commit it so that the pipeline's results are versioned`,
    });
  }
}

/** DVC initialised with nothing to track: no `.dvc` file and no dvc.yaml. Reported instead of a
 *  missing remote, which would have nothing to hold. Whether it was reported. */
function tracksNothing(ctx: ProjectContext): boolean {
  const { project } = ctx;
  if (!project.has('.dvc/config') || project.files.some((f) => /\.dvc$|(^|\/)dvc\.ya?ml$/.test(f.path))) return false;
  const data = project.files.filter((f) => isDataFile(f.path)).map((f) => f.path);
  ctx.report({
    path: '.dvc/config',
    message:
      'DVC is initialised but tracks nothing (no .dvc file, no dvc.yaml): no data or model is versioned; ' +
      `${data.length ? `\`dvc add\` the data (${data.length} data ${data.length === 1 ? 'file' : 'files'} here)` : '`dvc add` the data'} or define the pipeline in dvc.yaml, or remove .dvc/ if DVC is not used`,
    related: relatedFiles(data, 'data file not tracked by DVC'),
  });
  return true;
}

/** DVC in use (initialised, or tracking data through .dvc files) and no remote in the shared .dvc/config. */
function noRemote(ctx: ProjectContext): void {
  const { project } = ctx;
  const dvcFiles = project.files.map((f) => f.path).filter((p) => /\.dvc$/.test(p) || /(^|\/)dvc\.(ya?ml|lock)$/.test(p));
  const config = project.documents.get('.dvc/config');
  if (config === undefined && !dvcFiles.some((p) => p.endsWith('.dvc'))) return;
  if (config !== undefined && REMOTE_SECTION.test(config)) return;
  ctx.report({
    path: config !== undefined ? '.dvc/config' : dvcFiles[0],
    message: 'DVC is used without a remote in .dvc/config: the data and models it tracks exist only on this machine (`dvc remote add -d storage <url>`)',
    related: relatedFiles(dvcFiles, 'tracked by DVC'),
  });
}

/** .gitignore lines that ignore DVC's own metadata (.dvc files, dvc.lock, dvc.yaml, .dvc/config). */
function ignoredMetadata(ctx: ProjectContext): void {
  for (const [path, text] of ctx.project.documents) {
    if (!/(^|\/)\.gitignore$/.test(path)) continue;
    text.split(/\r?\n/).forEach((line, i) => {
      const pattern = line.trim();
      if (!pattern || pattern.startsWith('#') || pattern.startsWith('!') || !/dvc/i.test(pattern)) return;
      const rule = patternMatcher(pattern);
      const hit = rule && DVC_METADATA_PROBES.find((probe) => rule.ignores(probe));
      if (!hit) return;
      ctx.report({
        path,
        range: rangeOf(i, 0, i, line.length),
        message: `"${pattern}" makes git ignore DVC metadata (${hit.endsWith('.dvc') ? '.dvc files' : hit}); without it nobody else can fetch the tracked data or reproduce the pipeline`,
        related: [{ path, range: FILE_START, message: 'the ignore file' }],
      });
    });
  }
}

export default defineRule({
  code: 'MLH409',
  name: 'dvc-pipeline-incomplete',
  summary: 'DVC set up halfway: tracking nothing, dvc.yaml without dvc.lock, no remote, or DVC metadata ignored by git',
  practices: ['P7'],
  references: ['ml-ops.org, P7: versioning of data, models and pipelines', 'mllint: version-control/data/dvc-has-files'],
  severity: 'information',
  roles: ALL_BUT_GENERATED,
  repositoryWide: true,
  applies: (project) => project.files.some((f) => DVC_FILE.test(f.path)),
  docs: `## What it finds
Four ways a DVC setup fails to version what it should:
- DVC initialised (\`.dvc/config\`) and tracking nothing: no \`.dvc\` file and no \`dvc.yaml\`
  (the data files in the repository are listed with it);
- in a project where DVC is initialised (\`.dvc/config\` exists), a \`dvc.yaml\` with no
  \`dvc.lock\` beside it (or, in a git repository, one that is not committed);
- DVC in use (\`.dvc/config\`, or data tracked through \`.dvc\` files) with no remote in
  \`.dvc/config\`;
- a \`.gitignore\` line that ignores DVC's own metadata: \`*.dvc\`, \`dvc.lock\`, \`dvc.yaml\` or the
  \`.dvc/\` folder.

DVC is set up once for the repository (.dvc/ at its root), so the rule looks at the repository once.

## Why it matters
A \`.dvc/\` folder tells the team the data is versioned; when DVC tracks nothing, it is not.
DVC versions data and models by committing small metadata files to git (\`.dvc\` files and
\`dvc.lock\` with content hashes) and keeping the content in a remote. Without the lock file, the
pipeline's outputs are not tied to the code that made them; without a remote the data exists on
one laptop only; with the metadata ignored, git versions nothing at all. Each breaks the
reproducibility DVC was set up for (practice P7).

## How to fix
Track the data (\`dvc add data/raw\`) or define the pipeline's stages in \`dvc.yaml\` and commit
the metadata DVC writes, or remove \`.dvc/\` when the project does not use DVC. Run \`dvc repro\`
and commit \`dvc.lock\`; add a default remote (\`dvc remote add -d storage s3://bucket/path\`) and
commit \`.dvc/config\`; remove the \`.gitignore\` line that hides the metadata (DVC ignores the
data itself for you).

## Example
\`\`\`text
# .dvc/config
[core]
    remote = storage
['remote "storage"']
    url = s3://acme-ml/churn
\`\`\`

## References
- [DVC: data pipelines and dvc.lock](https://dvc.org/doc/user-guide/pipelines/defining-pipelines).
- [DVC: remote storage](https://dvc.org/doc/user-guide/data-management/remote-storage).
- ml-ops.org, [Versioning](https://ml-ops.org/content/versioning).
`,
  check: {
    project(ctx) {
      pipelinesWithoutLock(ctx);
      if (!tracksNothing(ctx)) noRemote(ctx);
      ignoredMetadata(ctx);
    },
  },
});
