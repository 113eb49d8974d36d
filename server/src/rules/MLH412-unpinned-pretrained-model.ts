import { defineRule } from '../engine/rule';
import { pathText, UNKNOWN } from '../engine/python/dataio';
import { Call, Node, stringValue } from '../engine/python/module';
import { filesImporting } from '../engine/projectQueries';
import { PRODUCTION } from '../engine/roles';

/** Packages whose `from_pretrained` downloads from the Hugging Face Hub and takes `revision=`. */
const HUB_PACKAGES = ['transformers', 'diffusers', 'peft', 'sentence_transformers', 'optimum', 'tokenizers', 'setfit'];
/** Hub calls by qualified name, and where they take the repository id. */
const HUB_CALLS = new Map<string, { position: number; keyword: string }>([
  ['transformers.pipeline', { position: -1, keyword: 'model' }],
  ['sentence_transformers.SentenceTransformer', { position: 0, keyword: 'model_name_or_path' }],
  ['huggingface_hub.hf_hub_download', { position: 0, keyword: 'repo_id' }],
  ['huggingface_hub.snapshot_download', { position: 0, keyword: 'repo_id' }],
  ['datasets.load_dataset', { position: 0, keyword: 'path' }],
]);
/** `load_dataset` builders that read local or given files, not a Hub repository. */
const LOCAL_DATASET_BUILDERS = new Set(['csv', 'json', 'parquet', 'text', 'arrow', 'pandas', 'sql', 'generator', 'imagefolder', 'audiofolder', 'videofolder', 'webdataset', 'xml']);
/** First segments of `a/b` that name a folder of the project, not a Hub organisation. */
const LOCAL_FOLDERS = /^(models?|checkpoints?|ckpts?|outputs?|artifacts?|saved(_models?)?|data|datasets|runs|results|weights|exp(eriments?)?|logs|tmp|cache|pretrained|resources|assets)$/i;
/** Hub models from before organisations, still addressed by a bare name (`bert-base-uncased`). */
const CANONICAL_MODEL = /^(bert|distilbert|roberta|distilroberta|gpt2|distilgpt2|openai-gpt|t5|xlnet|xlm|albert|bart|camembert|flaubert|ctrl|transfo-xl|electra|longformer|deberta)([-.]\w+)*$/i;
/** Revisions that move: a branch, not a tag or a commit. */
const MOVING_REVISIONS = new Set(['main', 'master']);

/** The argument naming what a Hub call downloads. */
function repositoryArgument(call: Call): Node | undefined {
  if (call.method === 'from_pretrained' && call.imported && HUB_PACKAGES.some((p) => call.qualified.startsWith(`${p}.`))) {
    return call.positional[0] ?? call.keywords.get('pretrained_model_name_or_path');
  }
  const place = call.imported ? HUB_CALLS.get(call.qualified) : undefined;
  if (!place) return undefined;
  return call.keywords.get(place.keyword) ?? (place.position >= 0 ? call.positional[place.position] : undefined);
}

/** Whether a name written in the code is a Hub repository id rather than a local path. */
function isHubId(name: string, isDataset: boolean): boolean {
  if (!/^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/.test(name) || /\.(bin|pt|pth|ckpt|safetensors|json|csv|txt|parquet|zip|gz)$/i.test(name)) return false;
  const [owner, repo] = name.split('/');
  if (repo !== undefined) return !LOCAL_FOLDERS.test(owner);
  return isDataset ? !LOCAL_DATASET_BUILDERS.has(name.toLowerCase()) : CANONICAL_MODEL.test(name);
}

export default defineRule({
  code: 'MLH412',
  name: 'unpinned-pretrained-model',
  summary: 'A model or dataset downloaded from the Hugging Face Hub without a pinned revision',
  practices: ['P7'],
  references: ['Sculley et al. 2015: unstable data dependencies', 'Hugging Face Hub: revisions'],
  severity: 'information',
  roles: PRODUCTION,
  applies: (project, appliesTo) => filesImporting(project, [...HUB_PACKAGES, 'huggingface_hub', 'datasets']).some(appliesTo),
  docs: `## What it finds
Downloads from the Hugging Face Hub that name no fixed revision: \`from_pretrained\` of a class from
transformers, diffusers, peft, sentence-transformers, optimum, tokenizers or setfit,
\`transformers.pipeline(model=...)\`, \`SentenceTransformer(...)\`, \`hf_hub_download\`,
\`snapshot_download\` and \`datasets.load_dataset\`, called with a Hub repository id written in the
code (\`"allenai/scibert_scivocab_uncased"\`, \`"bert-base-uncased"\`) and without \`revision=\`, or
with \`revision="main"\`. Names computed at run time, local paths (\`./model\`, \`models/bert\`,
\`checkpoints/run3\`), local dataset builders (\`"csv"\`, \`"imagefolder"\`) and calls that pass
\`**kwargs\` are not reported. A call with \`trust_remote_code=True\` says so in the message: it
runs whatever code the repository holds on the day it is downloaded.

Runs on pipeline, serving and library code only: exploration and course material load a model to
show it, while a pipeline or a service must load the same weights every time.

## Why it matters
A Hub repository is a git repository that its owner keeps pushing to: new weights, a changed
tokenizer, a renamed file. Without a revision, the same training or serving code silently picks up
whatever is on \`main\` today: results drift, last month's run cannot be reproduced, and a service
restarted next week may serve a different model (an unstable dependency, practice P7).

## How to fix
Pass \`revision=\` with a commit hash (or a tag the owner will not move) of the repository, from the
configuration or a constant next to the model name. The commit of a Hub repository is shown under
"Files and versions" on its page, or by \`huggingface_hub.model_info(name).sha\`.

## Example
\`\`\`python
# Before
tokenizer = AutoTokenizer.from_pretrained("allenai/scibert_scivocab_uncased")

# After
SCIBERT_REVISION = "5c0e1a1e2a9b0b5d5a0d6c2d1b4c8f3a7e9d2b61"
tokenizer = AutoTokenizer.from_pretrained("allenai/scibert_scivocab_uncased", revision=SCIBERT_REVISION)
\`\`\`

## References
- Sculley et al.: *Hidden Technical Debt in Machine Learning Systems* (2015), "Unstable data
  dependencies".
- [Hugging Face Hub: model repositories and revisions](https://huggingface.co/docs/hub/models-downloading).
`,
  check: {
    python(ctx) {
      const { module } = ctx;
      for (const call of module.calls()) {
        const argument = repositoryArgument(call);
        if (!argument || call.hasSplat) continue;
        const revision = call.keywords.get('revision');
        const pinnedTo = revision && stringValue(revision);
        if (revision && !(pinnedTo && MOVING_REVISIONS.has(pinnedTo))) continue;
        const name = pathText(module, argument);
        if (!name || name.includes(UNKNOWN) || !isHubId(name, call.qualified === 'datasets.load_dataset')) continue;
        const what = call.qualified === 'datasets.load_dataset' ? 'Dataset' : 'Model';
        const moving = pinnedTo ? `revision="${pinnedTo}", a branch that moves` : 'no revision';
        const remoteCode = call.keywords.get('trust_remote_code')?.type === 'true' ? ', and trust_remote_code=True runs whatever code it holds today' : '';
        ctx.report(argument, `${what} "${name}" is downloaded from the Hugging Face Hub with ${moving}${remoteCode}: pin revision= to a commit`);
      }
    },
  },
});
