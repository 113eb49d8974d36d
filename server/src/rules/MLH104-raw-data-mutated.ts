import { defineRule } from '../engine/rule';
import { pathText, UNKNOWN, writeTarget } from '../engine/python/dataio';
import { ALL_BUT_GENERATED } from '../engine/roles';

/** `data/raw` or TDSP's `Sample_Data/Raw` as a folder of the path (any case, any prefix). */
const RAW_FOLDER = /(^|\/)(data\/raw|sample_data\/raw)(\/|$)/;

/** Modules that download or unpack data are the ingestion step that fills the raw folder. */
const INGESTION_LIBRARIES = [
  'requests', 'urllib', 'httpx', 'aiohttp', 'boto3', 'gdown', 'kaggle', 'wget', 'google.cloud.storage',
  'huggingface_hub', 'zipfile', 'tarfile', 's3fs', 'gcsfs', 'fsspec', 'azure.storage', 'dvc.api',
];

export default defineRule({
  code: 'MLH104',
  name: 'raw-data-mutated',
  summary: 'Code writes into the raw-data folder (data/raw, Sample_Data/Raw)',
  practices: ['P4', 'P7'],
  references: ['TDSP and Cookiecutter Data Science: raw data is immutable'],
  severity: 'warning',
  roles: ALL_BUT_GENERATED,
  statementLocal: 'reachingByName',
  docs: `## What it finds
Writes to a path inside \`data/raw\` or \`Sample_Data/Raw\`: \`df.to_csv("data/raw/...")\`,
\`to_parquet\`, \`np.save\`, \`joblib.dump\`, \`torch.save\`, \`open(path, "w")\`, \`Path.write_text\`,
copies and moves into the folder, deletions of its files. The path is read as written in the code:
string literals, f-strings, \`os.path.join\`, \`Path(...)\` and \`/\` joins, and constants holding
them. Modules that download or unpack data (requests, urllib, boto3, zipfile ...) are the
ingestion step that fills the raw folder and are not reported.

Overwriting raw data loses it whatever the code is for, so every role but generated counts.

## Why it matters
Raw data is the one thing that cannot be rebuilt: every processed table, feature and model is a
function of it. Code that overwrites it destroys the ability to reproduce earlier results and to
tell what changed (practices P4 and P7). Both the Team Data Science Process and Cookiecutter Data
Science treat raw data as immutable.

## How to fix
Write derived data to \`data/interim\` or \`data/processed\` (TDSP: a processed folder next to
\`Sample_Data/Raw\`). Keep the raw folder read-only, version it with DVC or a data registry, and
let only the ingestion step put files there.

## Example
\`\`\`python
# Before
clean = raw.dropna()
clean.to_csv("data/raw/customers.csv", index=False)

# After
clean = raw.dropna()
clean.to_csv("data/processed/customers.csv", index=False)
\`\`\`

## References
- Microsoft: [Team Data Science Process](https://learn.microsoft.com/azure/architecture/data-science-process/overview),
  project structure (Sample_Data/Raw, Processed).
- [Cookiecutter Data Science](https://cookiecutter-data-science.drivendata.org/opinions/):
  "Data analysis is a directed acyclic graph"; raw data is immutable.
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      if (INGESTION_LIBRARIES.some((lib) => module.importsPackage(lib))) return;
      for (const call of module.calls()) {
        const target = writeTarget(module, call);
        const path = target && pathText(module, target);
        if (!target || !path) continue;
        const normalized = path.replace(/\\\\|\\/g, '/').replace(/\/+/g, '/').toLowerCase();
        if (!RAW_FOLDER.test(normalized)) continue;
        const shown = path.split(UNKNOWN).join('…');
        ctx.report(target, `Writes into the raw-data folder (${shown}): raw data should stay as it was received; write derived data to data/interim or data/processed`);
      }
    },
  },
});
