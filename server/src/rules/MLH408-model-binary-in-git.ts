import { defineRule } from '../engine/rule';
import { committedFilesFinding, fileSize } from '../engine/projectQueries';
import { isModelFile } from '../engine/dataFiles';
import { filesInGitProper } from '../engine/versioning';
import { ALL_BUT_GENERATED } from '../engine/roles';

// Small models under tests/ are fixtures of the test suite, not artefacts of training.
const TEST_FOLDER = /(^|\/)tests?\//;

export default defineRule({
  code: 'MLH408',
  name: 'model-binary-in-git',
  summary: 'Model files are committed to git instead of DVC, Git LFS or a model registry',
  practices: ['P7', 'P8'],
  references: ['ml-ops.org, P7: versioning of models', 'ml-ops.org, P8: model registry'],
  severity: 'warning',
  optIn: true,
  roles: ALL_BUT_GENERATED,
  repositoryWide: true,
  docs: `## What it finds
Serialized models (\`.pkl\`, \`.joblib\`, \`.pt\`, \`.pth\`, \`.keras\`, \`.onnx\`, \`.safetensors\`,
\`.ckpt\`, \`.tflite\`, and \`.h5\` / \`.pb\` / \`.bin\` files named like models) that git tracks
directly: not stored through Git LFS (\`filter=lfs\` in .gitattributes) and not tracked by DVC
(a \`.dvc\` file or an output of \`dvc.yaml\`). Files under \`tests/\` are left out. In a git
repository the rule asks git which files it tracks; in a folder that is not one, it reports the
files .gitignore lets through, as information.

Whatever the model is for, git holds it for the whole repository: the rule looks at the repository once.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 2 of 7 of its findings were worth acting on: small demo and sample models are kept in git on purpose. Select it where it fits (\`extendSelect: [MLH408]\`).

## Why it matters
Model binaries are large and change completely with every training run, so each version stays in
the repository's history forever and clones grow slow. Worse, a model in git is detached from what
produced it: the data version, the parameters and the metrics. Models belong in a store that
versions them with their lineage: DVC, LFS at least, or a model registry (practices P7 and P8).

## How to fix
Remove the file from git (\`git rm --cached\`), ignore it, and track it with DVC
(\`dvc add models/model.pkl\`) or a registry (MLflow, W&B); or store it through LFS
(\`git lfs track "*.pkl"\`). Rewrite history if the old versions must go.

## Example
\`\`\`text
# .gitignore
/models/*.pkl
# then: dvc add models/model.pkl && git add models/model.pkl.dvc
\`\`\`

## References
- ml-ops.org, [Versioning of ML artefacts](https://ml-ops.org/content/versioning).
- [DVC: versioning data and models](https://dvc.org/doc/start/data-management/data-versioning).
- [Git LFS](https://git-lfs.com/).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const { files, fromGit } = filesInGitProper(project);
      const models = files.filter((f) => isModelFile(f.path) && !TEST_FOLDER.test(f.path));
      if (models.length === 0) return;
      const first = models[0];
      ctx.report(
        committedFilesFinding(project, models, fromGit, 'model file', (where) =>
          models.length === 1
            ? `Model file ${first.path} (${fileSize(first.size)}) is ${where}; version it with DVC, Git LFS or a model registry`
            : `${models.length} model files (${first.path}, ...) are ${where}; version them with DVC, Git LFS or a model registry`,
        ),
      );
    },
  },
});
