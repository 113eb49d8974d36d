// Whether a module asks PyTorch for deterministic kernels, in any of the ways the libraries offer.
import { PythonModule } from './module';

const DETERMINISM_CALLS = new Set([
  'torch.use_deterministic_algorithms',
  'transformers.enable_full_determinism',
  'transformers.trainer_utils.enable_full_determinism',
]);
const DETERMINISM_FLAG = 'torch.backends.cudnn.deterministic';

/** `torch.use_deterministic_algorithms(True)`, `torch.backends.cudnn.deterministic = True`,
 *  Lightning's `Trainer(deterministic=True)`, transformers' full determinism. */
export function makesTorchDeterministic(module: PythonModule): boolean {
  for (const call of module.calls()) {
    if (DETERMINISM_CALLS.has(call.qualified) && call.positional[0]?.text !== 'False') return true;
    const flag = call.keywords.get('deterministic') ?? call.keywords.get('full_determinism');
    if (flag && flag.text !== 'False' && flag.text !== 'None' && /(Trainer|TrainingArguments)$/.test(call.qualified)) return true;
  }
  return module.nodes('assignment').some((a) => {
    const left = a.childForFieldName('left');
    return left?.type === 'attribute' && module.qualify(left) === DETERMINISM_FLAG && a.childForFieldName('right')?.text === 'True';
  });
}
