// The Team Data Science Process layout plus the ML-engineering basics, as data.
import * as code from './starter-code';
import * as docs from './tdsp-docs';
import { placeholder as fill, ScaffoldPart, TemplateFile } from './template';
import { charter, ciWorkflow, CODEOWNERS, dependabotConfig, modelCard } from './templates';

const codeFolder = (path: string, title: string, body: string): TemplateFile => ({
  path: `Code/${path}/README.md`,
  content: docs.codeFolderReadme(title, body),
});

const gitignore = () => `# Data and models are versioned with DVC, not git; only small samples are committed.
/data/
/models/
/mlruns/
*.pkl
*.joblib
*.pt
*.onnx
__pycache__/
.venv/
.ipynb_checkpoints/
`;

const mlHygieneConfig = () => `# ML Hygiene configuration: which rules run, their severity, files to leave out.
# Every rule, the opt-in ones too: a new project can keep to all of them from the start.
select: [MLH]
ignore: []
exclude: []
`;

export const TDSP_TEMPLATE: TemplateFile[] = [
  { path: 'README.md', content: docs.projectReadme },
  codeFolder(
    'Data_Acquisition_and_Understanding',
    'Data acquisition and understanding',
    'Notebooks and notes that explore the data. Loading and validation code lives in the package (`data.py`), so that training and serving use the same data contract.',
  ),
  codeFolder(
    'Modeling',
    'Modeling',
    'Notes and notebooks of experiments. Training code lives in the package (`train.py`); hyperparameters in `params.yaml`; runs are tracked with MLflow.',
  ),
  codeFolder(
    'Deployment',
    'Deployment',
    'How the model is served (`serve.py`), monitored (Prometheus metrics at `/metrics`, logged predictions) and retrained (the scheduled CI job).',
  ),
  {
    path: 'Docs/Project/Charter.md',
    content: (v) =>
      charter(v.name, [
        `- Data: ${fill('sources, where they are stored, how they are versioned (DVC)')}`,
        `- Training: \`dvc repro\` runs \`Code/${v.package}/train.py\` with \`params.yaml\`; runs are tracked with MLflow.`,
        `- Serving: \`Code/${v.package}/serve.py\` (FastAPI) with validated input, logged predictions and Prometheus metrics.`,
        `- Monitoring and retraining: ${fill('dashboards, alerts, and the schedule of the retraining job')}`,
      ]),
  },
  { path: 'Docs/Project/Exit_Report.md', content: docs.exitReport },
  { path: 'Docs/Data_Dictionaries/Data_Dictionary.md', content: docs.dataDictionary },
  { path: 'Docs/Data_Report/Data_Summary_Report.md', content: docs.dataSummaryReport },
  { path: 'Docs/Data_Report/Data_Definition.md', content: docs.dataDefinition },
  { path: 'Docs/Data_Report/Data_Pipeline.md', content: docs.dataPipeline },
  { path: 'Docs/Model/Baseline_Report.md', content: docs.baselineReport },
  { path: 'Docs/Model/Model_Report.md', content: docs.modelReport },
  { path: 'Docs/Model/Final_Report.md', content: docs.finalModelReport },
  { path: 'Sample_Data/README.md', content: docs.sampleDataReadme },
  { path: 'Sample_Data/Raw/.gitkeep', content: () => '' },
  { path: 'Sample_Data/Processed/.gitkeep', content: () => '' },
  { path: 'Sample_Data/For_Modeling/sample.csv', part: 'starter-code', content: () => code.SAMPLE_CSV },
  { path: 'params.yaml', part: 'params', content: () => code.PARAMS_YAML },
  { path: 'requirements.txt', part: 'starter-code', content: code.requirementsTxt },
  { path: 'Code/{package}/__init__.py', part: 'starter-code', content: code.initPy },
  { path: 'Code/{package}/config.py', part: 'starter-code', content: code.configPy },
  { path: 'Code/{package}/data.py', part: 'starter-code', content: code.dataPy },
  { path: 'Code/{package}/features.py', part: 'starter-code', content: code.featuresPy },
  { path: 'Code/{package}/train.py', part: 'starter-code', content: code.trainPy },
  { path: 'Code/{package}/serve.py', part: 'starter-code', content: code.servePy },
  { path: 'tests/conftest.py', part: 'tests', content: code.conftestPy },
  { path: 'tests/test_features.py', part: 'tests', content: code.testFeaturesPy },
  { path: '.github/workflows/ci.yml', part: 'ci', content: (v) => ciWorkflow(`PYTHONPATH=Code python -m ${v.package}.train`) },
  { path: 'dvc.yaml', part: 'dvc', content: code.dvcYaml },
  { path: '.gitignore', part: 'gitignore', content: gitignore },
  { path: 'Docs/Model/Model_Card.md', part: 'model-card', content: (v) => modelCard(v.name) },
  { path: '.github/CODEOWNERS', part: 'codeowners', content: () => CODEOWNERS.content },
  { path: '.github/dependabot.yml', part: 'dependabot', content: () => dependabotConfig(['pip', 'github-actions']).content },
  { path: '.ml-hygiene.yaml', part: 'config', content: mlHygieneConfig },
];

export const SCAFFOLD_PARTS: { part: ScaffoldPart; label: string; detail: string }[] = [
  { part: 'params', label: 'params.yaml', detail: 'every hyperparameter and path in one config file' },
  { part: 'starter-code', label: 'Starter code', detail: 'validated data loading, shared features, seeded training with a baseline, tracked runs, a monitored endpoint' },
  { part: 'tests', label: 'Tests', detail: 'unit tests of the feature code' },
  { part: 'ci', label: 'CI workflow', detail: 'GitHub Actions: install, lint, test, and a scheduled retraining job' },
  { part: 'dvc', label: 'dvc.yaml', detail: 'the training pipeline as a DVC stage' },
  { part: 'gitignore', label: '.gitignore', detail: 'keeps data and models out of git' },
  { part: 'model-card', label: 'Model card', detail: 'Docs/Model/Model_Card.md' },
  { part: 'codeowners', label: 'CODEOWNERS', detail: 'who reviews changes' },
  { part: 'dependabot', label: 'Dependabot', detail: 'weekly dependency updates' },
  { part: 'config', label: '.ml-hygiene.yaml', detail: 'ML Hygiene configuration' },
];
