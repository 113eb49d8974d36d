import { defineRule } from '../engine/rule';
import { committedFilesFinding, fileSize } from '../engine/projectQueries';
import { isDataFile } from '../engine/dataFiles';
import { filesInGitProper } from '../engine/versioning';
import { ALL_BUT_GENERATED } from '../engine/roles';

export default defineRule({
  code: 'MLH407',
  name: 'data-file-in-git',
  summary: 'Data files above the size threshold are committed to git instead of DVC or Git LFS',
  practices: ['P4', 'P7'],
  references: ['ml-ops.org, P7: versioning of data'],
  severity: 'warning',
  roles: ALL_BUT_GENERATED,
  repositoryWide: true,
  docs: `## What it finds
Data files (CSV, TSV, Parquet, Feather, Excel, JSON Lines, NumPy, HDF5, TFRecord, Avro, ORC ...)
larger than \`thresholds.dataFileSizeMB\` (default 1 MB) that git tracks directly: not stored
through Git LFS (\`filter=lfs\` in .gitattributes) and not tracked by DVC (a \`.dvc\` file or an
output of \`dvc.yaml\`). In a git repository the rule asks git which files it tracks; in a folder
that is not one, it reports the files .gitignore lets through, as information.

Whatever the data is for, git holds it for the whole repository: the rule looks at the repository once.

## Why it matters
Every version of a committed dataset stays in the history: clones slow down, and the repository
soon holds gigabytes nobody can delete without rewriting history. Git also cannot tell which data
version a model was trained on, or diff and share large data sensibly. Data deserves versioning
of its own, tied to the code and models that use it (practices P4 and P7).

## How to fix
Remove the file from git (\`git rm --cached\`), track it with DVC (\`dvc add data/raw/events.csv\`,
pushed to a remote) or store it through LFS (\`git lfs track "*.parquet"\`). Keep only small
samples in git, e.g. under \`Sample_Data/\`. Raise \`thresholds.dataFileSizeMB\` if larger
samples are fine for the project.

## Example
\`\`\`text
$ git rm --cached data/raw/events.csv
$ dvc add data/raw/events.csv        # writes data/raw/events.csv.dvc and a .gitignore entry
$ git add data/raw/events.csv.dvc data/raw/.gitignore
\`\`\`

## References
- ml-ops.org, [Versioning of data](https://ml-ops.org/content/versioning).
- [DVC: data versioning](https://dvc.org/doc/start/data-management/data-versioning).
- [Git LFS](https://git-lfs.com/).
`,
  check: {
    project(ctx) {
      const { project, config } = ctx;
      const limit = config.thresholds.dataFileSizeMB * 1024 * 1024;
      const { files, fromGit } = filesInGitProper(project);
      const large = files.filter((f) => f.size > limit && isDataFile(f.path)).sort((a, b) => b.size - a.size);
      if (large.length === 0) return;
      const first = large[0];
      ctx.report(
        committedFilesFinding(project, large, fromGit, 'data file', (where) =>
          large.length === 1
            ? `Data file ${first.path} (${fileSize(first.size)}) is ${where}; version it with DVC or Git LFS`
            : `${large.length} data files above ${config.thresholds.dataFileSizeMB} MB (largest ${first.path}, ${fileSize(first.size)}) are ${where}; version them with DVC or Git LFS`,
        ),
      );
    },
  },
});
