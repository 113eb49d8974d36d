import { defineRule } from '../engine/rule';
import { isTabularRead, pathText, readSource, UNKNOWN } from '../engine/python/dataio';
import { Call, Node, PythonModule } from '../engine/python/module';
import { PRODUCTION } from '../engine/roles';

const REMOTE = /^(https?|s3a?|gs|gcs|hf|az|abfs|abfss):\/\/[^/]+(\/[^?#]*)?(\?[^#]*)?/i;

/** Query parameters that select one version of an object (S3 versionId, GCS generation, git refs). */
const VERSION_PARAMETERS = /(^|&)(versionId|version|generation|rev|revision|ref|sha|commit)=/i;

/** A path segment that names one version: a commit hash, v2 / v1.3, release-4, a date. */
function isVersionSegment(segment: string): boolean {
  return (
    (/^[0-9a-f]{7,40}$/i.test(segment) && /\d/.test(segment)) ||
    /^v\d+(\.\d+)*$/i.test(segment) ||
    /^(version|release|rev|ver)[-_]?\d/i.test(segment) ||
    /(^|[-_.])v\d+([._-]\d+)*([-_.]|$)/i.test(segment) ||
    /(19|20)\d\d[-_]?(0[1-9]|1[0-2])([-_]?(0[1-9]|[12]\d|3[01]))?(?!\d)/.test(segment)
  );
}

function hasVersionPin(url: string): boolean {
  const match = REMOTE.exec(url);
  if (!match) return true;
  const [, , path = '', query = ''] = match;
  if (VERSION_PARAMETERS.test(query.slice(1))) return true;
  return path.split('/').some(isVersionSegment);
}

/** The arguments that name remote data in a read, when the call reads data and is not pinned another way. */
function dataSources(module: PythonModule, call: Call): (Node | undefined)[] {
  if (isTabularRead(module, call)) return [readSource(call)];
  if (!call.imported) return [];
  const q = call.qualified;
  if (['numpy.load', 'numpy.loadtxt', 'numpy.genfromtxt', 'urllib.request.urlretrieve'].includes(q)) {
    return [call.keywords.get('url') ?? call.positional[0]];
  }
  if (/(^|\.)keras\.utils\.get_file$/.test(q)) {
    return call.keywords.has('file_hash') || call.keywords.has('md5_hash') ? [] : [call.keywords.get('origin') ?? call.positional[1]];
  }
  if (q === 'torch.hub.download_url_to_file') {
    return call.keywords.has('hash_prefix') || call.positional.length > 2 ? [] : [call.keywords.get('url') ?? call.positional[0]];
  }
  if (q === 'datasets.load_dataset') {
    return call.keywords.has('revision') ? [] : [call.positional[0], call.keywords.get('data_files')];
  }
  return [];
}

export default defineRule({
  code: 'MLH105',
  name: 'unpinned-remote-data',
  summary: 'ML code reads data from an http(s) / s3 / gs / hf URL that names no fixed version',
  practices: ['P4', 'P7'],
  references: ['Sculley et al. 2015: unstable data dependencies'],
  severity: 'information',
  roles: PRODUCTION,
  statementLocal: 'reachingByName',
  docs: `## What it finds
In modules and notebooks that import an ML library, reads of data from a remote URL (\`http(s)://\`,
\`s3://\`, \`gs://\`, \`hf://\`, Azure) with nothing in the URL that fixes the version: no commit hash,
no \`?versionId=\` (or \`generation=\`, \`ref=\`, \`revision=\`), no versioned or dated path segment
(\`v2\`, \`release-3\`, \`2024-01-01\`, \`sales_v1.2.csv\`). Reads covered: pandas / polars / dask /
Spark table reads, \`np.load\` / \`np.loadtxt\`, \`urlretrieve\`, \`keras.utils.get_file\` without
\`file_hash\`, \`torch.hub.download_url_to_file\` without \`hash_prefix\`, and
\`datasets.load_dataset\` without \`revision=\`. Only URLs written in the code (literals, f-strings
of constants) are judged.

Runs on pipeline, serving and library code only: exploration and course material download sample data to show it, while a pipeline must read the same data every time.

## Why it matters
A URL that always serves "the latest" file is an unstable data dependency: when the owner
updates it, the same training code produces a different model, and last month's run cannot be
reproduced or explained (practices P4 and P7).

## How to fix
Point at one version: the commit hash of a raw GitHub or Hugging Face file, the object version of
an S3 / GCS object, a dated or versioned export. Better, track the data with DVC or a data registry
and read the pinned copy. With \`load_dataset\`, pass \`revision=\`.

## Example
\`\`\`python
# Before
URL = "https://raw.githubusercontent.com/acme/datasets/main/churn.csv"
churn = pd.read_csv(URL)

# After
URL = "https://raw.githubusercontent.com/acme/datasets/4f2a9c1e8b7d/churn.csv"
churn = pd.read_csv(URL)
\`\`\`

## References
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (2015), "Unstable data
  dependencies".
- [DVC: data versioning](https://dvc.org/doc/use-cases/versioning-data-and-models); Amazon S3
  [object versioning](https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html).
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      if (!ctx.facts.isML) return;
      for (const call of module.calls()) {
        for (const source of dataSources(module, call)) {
          const url = source && pathText(module, source);
          // A part computed at run time may well be the version.
          if (!source || !url || url.includes(UNKNOWN) || !REMOTE.test(url) || hasVersionPin(url)) continue;
          ctx.report(source, `Training data read from ${url}, which names no version: pin a commit, object version or dated release`);
        }
      }
    },
  },
});
