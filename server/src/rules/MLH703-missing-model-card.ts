import { ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { filesNamed, headingsOf, projectAnchor, readmePath, relatedFiles } from '../engine/projectQueries';
import { savesModel, trainsModel } from '../engine/python/facts';
import { MODEL_CARD } from '../scaffold/templates';

const CARD_FILE = /(model[_ -]?card|model[_ -]?report|final[_ ]report)[^/]*\.(md|markdown|rst|txt|adoc|docx?|pdf|html?)$/i;
// TDSP keeps model reports under Docs/Model; a Hugging Face model card is the README with metadata.
const TDSP_MODEL_DOCS = /^Docs\/Model\/[^/]+\.(md|markdown|rst|docx?|pdf)$/i;
const CARD_HEADING = /model card|model details|intended use/;

/** Modules and notebooks that train or save a model. */
function modelCode(project: ProjectIndex, appliesTo: (path: string) => boolean): string[] {
  return project
    .pythonFiles()
    .filter(([p, f]) => appliesTo(p) && (trainsModel(f) || savesModel(f)))
    .map(([p]) => p);
}

/** Model cards and reports: files named like one, and TDSP's model documents. */
function modelDocuments(project: ProjectIndex): string[] {
  return [...new Set([...filesNamed(project, CARD_FILE), ...project.files.filter((f) => TDSP_MODEL_DOCS.test(f.path)).map((f) => f.path)])].sort();
}

export default defineRule({
  code: 'MLH703',
  name: 'missing-model-card',
  summary: 'Models are trained or saved and there is no model card or model report',
  practices: ['P10', 'P3'],
  references: ['Mitchell et al. 2019, Model Cards for Model Reporting', 'TDSP: model report'],
  severity: 'information',
  fixable: true,
  optIn: true,
  roles: ['pipeline', 'library'],
  applies: (project, appliesTo) => modelCode(project, appliesTo).length > 0,
  evidence: modelDocuments,
  docs: `## What it finds
A project whose code trains (\`fit\`, \`train\`, a backward pass) or saves models (\`joblib.dump\`,
\`torch.save\`, \`save_pretrained\`, ...) and has no model card or model report: no file named
like \`MODEL_CARD.md\` or \`model_report.md\`, nothing under TDSP's \`Docs/Model/\`, and no README
section "Model card", "Model details" or "Intended use".

Only models trained or saved by pipeline and library code need a model card.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 2 of 14 of its findings were worth acting on: libraries, templates and course material were reported. Select it where it fits (\`extendSelect: [MLH703]\`).

## Why it matters
A model without documentation gets used where it was never evaluated: on other populations, for
decisions it was not built for, past the date its training data describes. A model card records
what the model is for, what data it saw, how it performs overall and for relevant groups, and
its known limits. It is the basic instrument of responsible AI (practice P10) and the model report
of TDSP's modeling stage (P3).

## How to fix
Write a model card next to the code that trains the model and update it with each release. The
quick fix creates \`MODEL_CARD.md\` with the sections of Mitchell et al.

## Example
\`\`\`markdown
# Model card: churn classifier v3
### Intended use
Ranking customers for retention calls; not for pricing or credit decisions.
### Metrics
ROC AUC 0.87 on the 2024-Q2 hold-out (baseline: 0.71); per-region results below.
\`\`\`

## References
- Mitchell et al., [*Model Cards for Model Reporting*](https://arxiv.org/abs/1810.03993) (FAT* 2019).
- [Team Data Science Process: modeling stage and model report](https://learn.microsoft.com/en-us/azure/architecture/data-science-process/lifecycle-modeling).
- [Hugging Face: model cards](https://huggingface.co/docs/hub/model-cards).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const code = modelCode(project, ctx.appliesTo);
      if (code.length === 0) return;
      if (modelDocuments(project).length) return;
      const readme = readmePath(project);
      if (readme && headingsOf(project.documents.get(readme) ?? '').some((h) => CARD_HEADING.test(h))) return;
      ctx.report({
        ...projectAnchor(project, code),
        message: 'Models are trained or saved here and there is no model card describing their intended use, data and performance',
        related: relatedFiles(code, 'trains or saves a model'),
        fix: { title: `Create ${MODEL_CARD.path}`, create: [MODEL_CARD] },
      });
    },
  },
});
