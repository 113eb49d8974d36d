import { defineRule, PythonContext } from '../engine/rule';
import { isTabularRead } from '../engine/python/dataio';
import { isModelLoadCall, isPredictionCall, isTrainingCall } from '../engine/python/models';
import { Call, Node } from '../engine/python/module';
import { callsWithin } from '../engine/python/structure';
import { PRODUCTION } from '../engine/roles';

const CATCH_ALL = new Set(['Exception', 'BaseException', 'builtins.Exception', 'builtins.BaseException']);
// Reads of samples and arrays beside the tabular reads: images, audio, arrays, datasets.
const SAMPLE_READS = new Set([
  'numpy.load',
  'numpy.loadtxt',
  'numpy.genfromtxt',
  'PIL.Image.open',
  'cv2.imread',
  'imageio.imread',
  'imageio.v3.imread',
  'torchvision.io.read_image',
  'librosa.load',
  'soundfile.read',
  'datasets.load_dataset',
  'h5py.File',
]);

/** `except:`, `except Exception:`, `except BaseException as e:`, `except (ValueError, Exception):`. */
function catchesEverything(clause: Node): boolean {
  const caught = clause.childrenForFieldName('value').filter((v): v is Node => v !== null);
  if (caught.length === 0) return true;
  return caught.some((value) => {
    const type = value.type === 'as_pattern' ? value.namedChildren[0] : value;
    const names = type?.type === 'tuple' || type?.type === 'parenthesized_expression' ? type.namedChildren : [type];
    return names.some((n) => !!n && CATCH_ALL.has(n.text));
  });
}

/** A handler that does nothing: only `pass`, `continue` or `...` (comments aside). */
function doesNothing(clause: Node): boolean {
  const body = clause.namedChildren.find((c) => c?.type === 'block');
  const statements = body?.namedChildren.filter((s): s is Node => s !== null && s.type !== 'comment') ?? [];
  return (
    statements.length > 0 &&
    statements.every(
      (s) => s.type === 'pass_statement' || s.type === 'continue_statement' || (s.type === 'expression_statement' && s.namedChildren[0]?.type === 'ellipsis'),
    )
  );
}

/** What an ML step in a try body does, for the message; undefined for other code. */
function mlStep(ctx: PythonContext, call: Call): string | undefined {
  if (isTabularRead(ctx.module, call) || (call.imported && SAMPLE_READS.has(call.qualified))) return 'loads data';
  if (isModelLoadCall(call)) return 'loads a model';
  if (isTrainingCall(call)) return 'trains';
  if (isPredictionCall(ctx.module, call)) return 'predicts';
  return undefined;
}

export default defineRule({
  code: 'MLH310',
  name: 'swallowed-exception',
  summary: 'A catch-all except that only passes or continues, around data loading, training or prediction',
  practices: ['P6'],
  references: ['Zinkevich, Rules of ML #10'],
  severity: 'warning',
  roles: PRODUCTION,
  statementLocal: true,
  docs: `## What it finds
\`except:\`, \`except Exception:\` or \`except BaseException:\` handlers whose body only \`pass\`es,
\`continue\`s or is \`...\`, around a \`try\` body that loads data (pandas/polars/Spark reads,
\`np.load\`, images, audio, \`load_dataset\`), loads a model, trains (\`fit\`, \`backward\`,
\`trainer.train\`) or predicts.

Runs on pipeline, serving and library code only, where a hidden failure ships; an exploration notebook shows its errors to the person running it.

## Why it matters
ML pipelines rarely crash when something goes wrong: they carry on with less. A swallowed error
while loading silently drops files or whole partitions, one around training skips batches or
folds, one around prediction returns nothing or a default for the requests that failed. The model
then trains on a biased subset or serves degraded answers, and no log, metric or alert says so.
Zinkevich's rule 10 warns about exactly these silent failures.

## How to fix
Catch the specific exceptions you expect, and record what was skipped: log it with the item that
failed, count it in a metric, and fail the run when too much is skipped. Let unexpected errors
propagate.

## Example
\`\`\`python
# Before
for path in image_paths:
    try:
        images.append(Image.open(path).convert("RGB"))
    except Exception:
        continue

# After
skipped = []
for path in image_paths:
    try:
        images.append(Image.open(path).convert("RGB"))
    except (OSError, UnidentifiedImageError) as error:
        logger.warning("skipping unreadable image %s: %s", path, error)
        skipped.append(path)
if len(skipped) > 0.01 * len(image_paths):
    raise RuntimeError(f"{len(skipped)} unreadable images")
\`\`\`

## References
- Martin Zinkevich, *Rules of Machine Learning*, rule #10: "Watch for silent failures".
- Python documentation: [Handling exceptions](https://docs.python.org/3/tutorial/errors.html#handling-exceptions).
`,
  check: {
    python(ctx) {
      for (const statement of ctx.module.nodes('try_statement')) {
        const body = statement.childForFieldName('body');
        const step = body && callsWithin(ctx.module, body).map((c) => mlStep(ctx, c)).find((s) => s !== undefined);
        if (!step) continue;
        for (const clause of statement.namedChildren) {
          if (clause?.type !== 'except_clause' || !catchesEverything(clause) || !doesNothing(clause)) continue;
          const colon = clause.children.find((c) => c?.type === ':');
          const range = ctx.module.range(clause);
          if (colon) range.end = ctx.module.range(colon).end;
          ctx.report(range, `This handler silently swallows every error of code that ${step}; catch specific exceptions and log or count what is skipped`);
        }
      }
    },
  },
});
