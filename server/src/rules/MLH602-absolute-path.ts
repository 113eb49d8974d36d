import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import { defineRule, YamlContext } from '../engine/rule';
import { lastName } from '../engine/python/structure';
import { Call, Node, PythonModule } from '../engine/python/module';
import { nodeRange, yamlEntries } from '../engine/yaml';
import { ALL_BUT_GENERATED } from '../engine/roles';

// Home folders, user mounts and data volumes of one machine, drive letters, UNC shares. System
// paths that exist everywhere (/tmp, /usr, /etc, /dev, /proc) and container conventions (/opt/ml,
// /app) are not machine-specific in the same way and are left alone.
const ABSOLUTE = /^(~[\w.-]*[\\/]|\/(home|Users|root|mnt|media|data|datasets|scratch|gpfs|nfs|Volumes|content\/drive)\/|[A-Za-z]:[\\/]|\\\\\w)/;
/** Names of variables, parameters, keywords and config keys that hold paths. */
const PATH_NAME = /(path|paths|dir|dirs|directory|file|filename|filepath|root|folder|location|uri)$/i;
const PATH_MODULES = /^(os|os\.path|shutil|glob|pathlib)\./;
const PATH_METHODS =
  /^(open|Path|PurePath|PosixPath|WindowsPath|read_\w+|to_(csv|parquet|pickle|json|excel|feather|hdf|orc|netcdf)|save\w*|load\w*|dump|imread|imwrite|savefig|savez\w*|savetxt|loadtxt|genfromtxt|from_pretrained|InferenceSession|listdir|exists|chdir|mkdir|makedirs|glob|SummaryWriter|FileHandler|ImageFolder|DatasetFolder)$/;

/** The absolute path a string literal starts with, if it does (f-strings included: their start is literal). */
function absolutePathIn(node: Node): string | undefined {
  const first = node.namedChildren.find((c) => c !== null && c.type !== 'string_start');
  if (first?.type !== 'string_content') return undefined;
  const text = first.text;
  return ABSOLUTE.test(text) ? text : undefined;
}

function nameOf(target: Node | null | undefined): string | undefined {
  if (!target) return undefined;
  if (target.type === 'identifier' || target.type === 'attribute') return lastName(target.text);
  return undefined;
}

function isPathCall(call: Call): boolean {
  return PATH_MODULES.test(call.qualified) || PATH_METHODS.test(call.method);
}

/** Whether a string literal is used as a file system path: passed to a file or path function, or held
 *  by a name, keyword, parameter or dictionary key that names a path. */
function usedAsPath(module: PythonModule, literal: Node): boolean {
  let node = literal;
  while (node.parent && (node.parent.type === 'parenthesized_expression' || node.parent.type === 'concatenated_string')) node = node.parent;
  const parent = node.parent;
  if (!parent) return false;
  switch (parent.type) {
    case 'argument_list':
      return parent.parent?.type === 'call' && isPathCall(module.describeCall(parent.parent));
    case 'keyword_argument': {
      if (parent.childForFieldName('value')?.id !== node.id) return false;
      const call = parent.parent?.parent;
      return PATH_NAME.test(parent.childForFieldName('name')?.text ?? '') || (call?.type === 'call' && isPathCall(module.describeCall(call)));
    }
    case 'assignment': {
      if (parent.childForFieldName('right')?.id !== node.id) return false;
      return PATH_NAME.test(nameOf(parent.childForFieldName('left')) ?? '');
    }
    case 'default_parameter':
    case 'typed_default_parameter':
      return PATH_NAME.test(parent.childForFieldName('name')?.text ?? '');
    case 'pair': {
      const key = parent.childForFieldName('key');
      return parent.childForFieldName('value')?.id === node.id && key?.type === 'string' && PATH_NAME.test(key.text.replace(/['"]/g, ''));
    }
    case 'binary_operator':
      // `Path("/home/ana") / "data"` is caught at Path(); a string on the left of `/` is a path too.
      return parent.childForFieldName('operator')?.type === '/' && parent.childForFieldName('left')?.id === node.id;
    default:
      return false;
  }
}

const MESSAGE = (path: string) =>
  `Absolute path "${path}" only exists on one machine; make it relative to the project or read it from configuration or the environment`;

/** YAML files whose absolute paths are about a machine they describe: CI runners, containers, Kubernetes. */
const MACHINE_CONFIG = /(^|\/)(\.github|\.gitlab|\.circleci|\.buildkite)\/|(^|\/)(\.gitlab-ci\.ya?ml|docker-compose[\w.-]*\.ya?ml|compose\.ya?ml|\.pre-commit-config\.yaml|azure-pipelines\.ya?ml|bitbucket-pipelines\.yml|environment\.ya?ml|\.readthedocs\.ya?ml)$/i;

function checkYaml(ctx: YamlContext): void {
  if (MACHINE_CONFIG.test(ctx.path)) return;
  // Kubernetes manifests (apiVersion + kind) mount volumes at absolute container paths.
  if (ctx.yaml.documents.some((d) => isMap(d.contents) && d.contents.has('apiVersion') && d.contents.has('kind'))) return;
  for (const entry of yamlEntries(ctx.yaml)) {
    if (!PATH_NAME.test(entry.path[entry.path.length - 1] ?? '')) continue;
    const values = isSeq(entry.value) ? entry.value.items : [entry.value];
    for (const value of values) {
      if (!isScalar(value) || typeof value.value !== 'string') continue;
      const text = value.value.replace(/^file:\/\//, '');
      if (ABSOLUTE.test(text)) ctx.report(nodeRange(ctx.yaml, value as Scalar), MESSAGE(text));
    }
  }
}

export default defineRule({
  code: 'MLH602',
  name: 'absolute-path',
  summary: 'Absolute or home-directory paths that exist on one machine only',
  practices: ['P8', 'P9'],
  references: ['ML Hygiene practices P8 (design for ML) and P9 (hidden costs)', 'Sculley et al. 2015: configuration debt'],
  severity: 'warning',
  roles: ALL_BUT_GENERATED,
  statementLocal: true,
  docs: `## What it finds
Paths into one machine's file system: home folders and user mounts (\`/home/...\`,
\`/Users/...\`, \`~/...\`, \`/root/...\`, \`/mnt/...\`, \`/media/...\`, \`/data/...\`,
\`/scratch/...\`), Windows drives (\`C:\\\\...\`) and shares. In Python, only strings used as paths
are reported: passed to \`open\`, \`Path\`, \`os.path\`, \`read_*\`, \`to_csv\`, \`save\`, \`load\`
and similar, or held by a name, keyword or dictionary key ending in path, dir, file, root, folder
or uri. In YAML, values of keys named that way. URLs, API routes, docstrings and comments are
not paths; CI files, compose files and Kubernetes manifests describe their own machines and are
skipped.

A path that exists on one machine breaks the notebook, lesson or script for everyone else, so every role but generated counts.

## Why it matters
The code runs only on the machine of the person who wrote it. A colleague, the CI runner, the
training cluster and the serving container each fail on the first read, or worse, read a stale
copy that happens to exist. Paths are configuration that leaked into code (practices P8 and P9).

## How to fix
Build paths from the project root (\`Path(__file__).resolve().parents[1] / "data"\`), or read the
location from configuration or an environment variable with a relative default.

## Example
\`\`\`python
# Before
df = pd.read_csv("/home/ana/projects/churn/data/raw/customers.csv")

# After
DATA_DIR = Path(os.environ.get("DATA_DIR", Path(__file__).resolve().parents[1] / "data"))
df = pd.read_csv(DATA_DIR / "raw" / "customers.csv")
\`\`\`

## References
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (2015): configuration debt.
- The Twelve-Factor App, [III. Config](https://12factor.net/config).
- ML Hygiene practices P8 (design for ML) and P9 (the hidden costs of ML).
`,
  check: {
    python(ctx) {
      if (ctx.facts.isTest) return;
      for (const literal of ctx.module.nodes('string')) {
        const path = absolutePathIn(literal);
        if (path && usedAsPath(ctx.module, literal)) ctx.report(literal, MESSAGE(path));
      }
    },
    yaml: checkYaml,
  },
});
