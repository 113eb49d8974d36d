import { ProjectFile, ProjectIndex } from '../engine/project';
import { defineRule } from '../engine/rule';
import { DATA_FILE, DATA_FOLDER } from '../engine/dataFiles';
import { filesImporting, headingsOf, mlModules, projectAnchor, readmePath, relatedFiles } from '../engine/projectQueries';
import { PRODUCTION } from '../engine/roles';

const DICTIONARY_FILE = /data[_ -]?dictionar|codebook|datasheet|data[_ -]?card|schema/i;
const DICTIONARY_HEADING = /data dictionary|data description|schema|columns|codebook|datasheet|data card/;
const VALIDATION_SCHEMA_LIBRARIES = ['pandera', 'great_expectations', 'tensorflow_data_validation'];

/** Files in a data folder that are not data: configuration (a Hydra \`configs/data/\` group, a
 *  dataset description), download scripts and documents. */
const NOT_DATA = /\.(ya?ml|toml|cfg|ini|sh|bat|ps1|md|markdown|rst)$|(^|\/)(conf|configs?)\//i;
/** Files that only keep an empty folder in git. */
const PLACEHOLDER = /(^|\/)\.(gitkeep|keep|gitignore)$/;

/** Whether the code reads files by a path in a data folder (\`pd.read_csv("data/raw/x.csv")\`). */
function readsDataFolder(project: ProjectIndex): boolean {
  return project.pythonFiles().some(([, f]) => f.pathsRead.some((p) => DATA_FOLDER.test(p) || DATA_FILE.test(p)));
}

/** Data the project keeps: data files anywhere, and other files in a data folder. A placeholder that
 *  keeps an empty data folder counts when the code reads its data from there, not when the data
 *  comes from a dataset library (\`torchvision.datasets.MNIST(download=True)\`). */
function dataFiles(project: ProjectIndex): string[] {
  const inDataFolder = (f: ProjectFile) => DATA_FOLDER.test(f.path) && f.kind !== 'python' && f.kind !== 'notebook' && !NOT_DATA.test(f.path);
  const folderHoldsData = project.files.some((f) => inDataFolder(f) && !PLACEHOLDER.test(f.path)) || readsDataFolder(project);
  return project.files.filter((f) => DATA_FILE.test(f.path) || (folderHoldsData && inDataFolder(f))).map((f) => f.path);
}

/** A dataset description (YOLO's \`data/coco.yaml\` and the like): a YAML file that names the
 *  classes and where the splits are. */
function describesDataset(keys: string[][]): boolean {
  const top = new Set(keys.filter((k) => k.length === 1).map((k) => k[0]));
  return top.has('names') && ['train', 'val', 'test', 'path'].some((k) => top.has(k));
}

function hasDataDictionary(project: ProjectIndex): boolean {
  if (project.files.some((f) => DICTIONARY_FILE.test(f.path) || /(^|\/)(great_expectations|gx)\//.test(f.path))) return true;
  // A README inside the data folder describes the data.
  if (project.files.some((f) => DATA_FOLDER.test(f.path) && /\/readme(\.\w+)?$/i.test(f.path))) return true;
  if (filesImporting(project, VALIDATION_SCHEMA_LIBRARIES).length) return true;
  if ([...project.facts.values()].some((f) => f.yamlKeys && describesDataset(f.yamlKeys))) return true;
  const readme = readmePath(project);
  return readme !== undefined && headingsOf(project.documents.get(readme) ?? '').some((h) => DICTIONARY_HEADING.test(h));
}

export default defineRule({
  code: 'MLH110',
  name: 'missing-data-dictionary',
  summary: 'Data files or a data folder, but no data dictionary or schema document',
  practices: ['P4'],
  references: ['Zinkevich, Rule #11: give feature columns owners and documentation', 'ML Test Score, Data 1: feature expectations are captured in a schema'],
  severity: 'information',
  optIn: true,
  roles: PRODUCTION,
  applies: (project, appliesTo) => dataFiles(project).length > 0 && mlModules(project, appliesTo).length > 0,
  evidence: (project) => project.files.filter((f) => DICTIONARY_FILE.test(f.path)).map((f) => f.path),
  docs: `## What it finds
An ML project that keeps data (CSV, Parquet, NumPy, HDF5, TFRecord ... files, or other files in a
\`data/\`, \`datasets/\` or \`Sample_Data/\` folder) and documents none of it: no data dictionary,
codebook, datasheet or schema file, no README in the data folder, no README section on the
columns, no dataset description (a YAML file that names the classes and where the splits are, as
YOLO's \`data/coco.yaml\` does), and no data validation schema (pandera, Great Expectations, TFDV).

Configuration, scripts and documents in a data folder are not data (a Hydra \`configs/data/\`
group, \`data/scripts/get_data.sh\`). A placeholder such as \`data/.gitkeep\` counts only when
the code reads its data from that folder; data that a dataset library downloads
(\`torchvision.datasets.MNIST(download=True)\`) is documented by its publisher.

Only projects with pipeline, serving or library ML code are asked for a data dictionary; exploration and course material describe their data in the notebook.

**Opt-in:** not in the default set. On a judged corpus of public ML repositories, 0 of 4 of its findings were worth acting on: configuration and dataset-description files were taken for data. Select it where it fits (\`extendSelect: [MLH110]\`).

## Why it matters
What a column means, its unit, its allowed values and which key joins it to other tables lives
in people's heads until it is written down. Then a feature silently changes meaning, a join
duplicates rows, and nobody can tell which values are errors. A data dictionary is the start of
the information architecture ML depends on (practice P4); the ML Test Score asks for feature
expectations captured in a schema.

## How to fix
Add a data dictionary next to the data, e.g. \`Docs/Data_Dictionaries/\` (TDSP) or
\`data/README.md\`, with one row per column: name, type, allowed values, description and joining
keys. Better still, also encode it as a validation schema that the loading code checks.

## Example
\`\`\`markdown
| column      | type    | values           | description                 | key |
|-------------|---------|------------------|-----------------------------|-----|
| customer_id | string  | C + 8 digits     | customer account            | yes |
| tenure_m    | int     | 0 to 600         | months since first contract |     |
| churned     | bool    | true / false     | cancelled within 30 days    |     |
\`\`\`

## References
- Zinkevich, *Rules of Machine Learning*, Rule #11.
- Breck et al., *The ML Test Score* (2017), Data 1.
- Gebru et al., [*Datasheets for Datasets*](https://arxiv.org/abs/1803.09010) (2021).
- [Team Data Science Process: data dictionary](https://learn.microsoft.com/en-us/azure/architecture/data-science-process/lifecycle-data).
`,
  check: {
    project(ctx) {
      const { project } = ctx;
      const data = dataFiles(project);
      if (data.length === 0 || mlModules(project, ctx.appliesTo).length === 0 || hasDataDictionary(project)) return;
      ctx.report({
        ...projectAnchor(project, data),
        message: `No data dictionary or schema describes the project's data (${data[0]}${data.length > 1 ? ` and ${data.length - 1} more` : ''})`,
        related: relatedFiles(data, 'undocumented data'),
      });
    },
  },
});
