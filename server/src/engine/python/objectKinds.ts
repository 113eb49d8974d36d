// What a name holds: whether `model` is a torch module, `net` an OpenCV network, `solver` an instance
// of a plain project class. Derived once per expression from imports, constructors, assignments,
// annotations and the return values of the module's functions (a notebook's cells are one module,
// read in order), so that rules ask what an object is instead of matching method names such as
// `.forward`. An expression whose origin cannot be told has no kind: rules decide what to do then.
import { bindingsOf, enclosingClass } from './bindings';
import { assignmentsIn } from './flow';
import { enclosingFunction, isInPackage, isInside, nameText, Node, PythonModule } from './module';
import { basesOf, lastName } from './structure';
import { isTorchModuleClass } from './torch';

export type ObjectKind =
  /** An `nn.Module` (or a scripted, compiled or wrapped one): calling it runs its hooks. */
  | 'torch module'
  /** `cv2.dnn.Net`, from `cv2.dnn.readNet*`. */
  | 'OpenCV network'
  /** An instance of a class of the module that is not a torch module (a NumPy network, a wrapper). */
  | 'project object'
  /** An object made by a library that has nothing to do with torch modules. */
  | 'library object';

/** Libraries whose objects are never torch modules. */
const NON_TORCH_LIBRARIES = ['cv2', 'numpy', 'sklearn', 'tensorflow', 'keras', 'onnxruntime', 'jax', 'flax', 'xgboost', 'lightgbm', 'catboost', 'openvino', 'tflite_runtime', 'mxnet', 'paddle', 'turtle'];
const TORCH_MODULE_FUNCTIONS = new Set(['timm.create_model', 'torch.jit.load', 'torch.jit.script', 'torch.jit.trace', 'torch.compile', 'torch.hub.load', 'sentence_transformers.SentenceTransformer']);
/** Methods of a torch module that return the module itself (`model.to(device)`). */
export const MODULE_CHAIN = new Set(['to', 'cuda', 'cpu', 'eval', 'train', 'half', 'float', 'double', 'bfloat16', 'requires_grad_', 'share_memory', 'to_empty']);
/** transformers classes whose from_pretrained gives something else than a PyTorch model. */
const NOT_TRANSFORMERS_MODEL = /^(TF|Flax)|Tokenizer|Processor|Config|FeatureExtractor|Pipeline/;
const MAX_DEPTH = 10;

/** The kind of object an imported callable returns, when the library tells. */
function libraryKind(qualified: string): ObjectKind | undefined {
  const name = lastName(qualified);
  if (/^cv2\.(dnn\.(readNet\w*|Net)|dnn_Net)$/.test(qualified)) return 'OpenCV network';
  if (TORCH_MODULE_FUNCTIONS.has(qualified)) return 'torch module';
  if (qualified.startsWith('torch.nn.') && /^[A-Z]/.test(name) && name !== 'Parameter' && !/\.(functional|init|utils)\./.test(qualified)) return 'torch module';
  if (qualified.startsWith('torchvision.models.') && !/_Weights$|^get_(model_)?weights$/.test(name)) return 'torch module';
  if (NON_TORCH_LIBRARIES.some((library) => isInPackage(qualified, library))) return 'library object';
  return undefined;
}

class ObjectKinds {
  private readonly memo = new Map<number, ObjectKind | undefined>();
  private readonly inProgress = new Set<number>();

  constructor(private readonly module: PythonModule) {}

  of(node: Node | null | undefined, depth = 0): ObjectKind | undefined {
    if (!node || depth > MAX_DEPTH) return undefined;
    if (this.memo.has(node.id)) return this.memo.get(node.id);
    // A value defined through itself (a loop) is not known.
    if (this.inProgress.has(node.id)) return undefined;
    this.inProgress.add(node.id);
    const kind = this.compute(node, depth + 1);
    this.inProgress.delete(node.id);
    this.memo.set(node.id, kind);
    return kind;
  }

  private compute(node: Node, depth: number): ObjectKind | undefined {
    switch (node.type) {
      case 'parenthesized_expression':
        return this.of(node.namedChildren[0], depth);
      case 'identifier':
      case 'attribute': {
        const bindings = bindingsOf(this.module).reaching(node);
        if (!bindings) return node.type === 'attribute' ? this.copiedLocalKind(node, depth) : undefined;
        return this.agreed(bindings.map((b) => (b.value ? this.of(b.value, depth) : this.annotationKind(b.annotation, depth))));
      }
      case 'call':
        return this.callKind(node, depth);
      default:
        return undefined;
    }
  }

  /** \`self.net\` in a class whose method copies its local variables onto the instance
   *  (\`self.__dict__.update(locals())\`): the kind of that method's local \`net\`. */
  private copiedLocalKind(node: Node, depth: number): ObjectKind | undefined {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute')?.text;
    const cls = object?.text === 'self' ? enclosingClass(node) : undefined;
    if (!cls || !attribute) return undefined;
    const copy = this.module.calls().find((c) => c.callee === 'self.__dict__.update' && c.positional[0]?.text === 'locals()' && isInside(c.node, cls));
    const method = copy && enclosingFunction(copy.node);
    if (!method) return undefined;
    const values = assignmentsIn(method).flatMap((a) => (a.childForFieldName('left')?.text === attribute ? [a.childForFieldName('right')] : []));
    return values.length > 0 ? this.agreed(values.map((v) => this.of(v, depth))) : undefined;
  }

  /** One kind when every source agrees on it, else none. */
  private agreed(kinds: (ObjectKind | undefined)[]): ObjectKind | undefined {
    const [first] = kinds;
    return first !== undefined && kinds.every((k) => k === first) ? first : undefined;
  }

  private annotationKind(annotation: Node | undefined, depth: number): ObjectKind | undefined {
    const type = annotation?.type === 'type' ? annotation.namedChildren[0] : annotation;
    if (!type || (type.type !== 'identifier' && type.type !== 'attribute')) return undefined;
    if (this.module.isImportedName(type.text)) {
      const qualified = this.module.qualifyDotted(type.text);
      return /(^torch\.nn\.|LightningModule$)/.test(qualified) ? 'torch module' : libraryKind(qualified);
    }
    return this.classKind(type.text, depth);
  }

  private callKind(node: Node, depth: number): ObjectKind | undefined {
    const call = this.module.describeCall(node);
    const func = node.childForFieldName('function');
    if (call.receiver && MODULE_CHAIN.has(call.method) && this.of(call.receiver, depth) === 'torch module') return 'torch module';
    if (call.method === 'from_pretrained' && call.receiver && this.module.isImportedName(nameText(call.receiver))) {
      const owner = this.module.qualify(call.receiver) ?? '';
      if (isInPackage(owner, 'transformers') && !NOT_TRANSFORMERS_MODEL.test(lastName(owner))) return 'torch module';
    }
    if (call.imported) return libraryKind(call.qualified);
    if (func?.type !== 'identifier') return undefined;
    return this.classKind(func.text, depth) ?? this.returnKind(func.text, depth);
  }

  /** The kind of the instances of a class defined in the module, when its bases tell. */
  private classKind(name: string, depth: number): ObjectKind | undefined {
    const cls = this.module.nodes('class_definition').find((c) => c.childForFieldName('name')?.text === name);
    if (!cls) return undefined;
    if (isTorchModuleClass(this.module, cls)) return 'torch module';
    const bases = cls.childForFieldName('superclasses')?.namedChildren.filter((b): b is Node => b !== null && b.type !== 'keyword_argument') ?? [];
    const known = bases.every((base) => {
      if (base.text === 'object') return true;
      const qualified = basesOf(this.module, cls).find((b) => b === this.module.qualifyDotted(base.text));
      if (qualified && this.module.isImportedName(base.text)) return libraryKind(qualified) === 'library object';
      return base.type === 'identifier' && base.text !== name && depth < MAX_DEPTH && this.classKind(base.text, depth + 1) === 'project object';
    });
    return known ? 'project object' : undefined;
  }

  /** The kind a function of the module returns, when all its return values agree. */
  private returnKind(name: string, depth: number): ObjectKind | undefined {
    const def = this.module.nodes('function_definition').find((d) => d.childForFieldName('name')?.text === name);
    if (!def) return undefined;
    const returns = def.descendantsOfType('return_statement').filter((r): r is Node => r !== null);
    return this.agreed(returns.map((r) => this.of(r.namedChildren[0], depth)));
  }
}

const cache = new WeakMap<PythonModule, ObjectKinds>();

/** What an expression holds, when its origin tells (see ObjectKind); undefined when it cannot be told. */
export function objectKindOf(module: PythonModule, node: Node | null | undefined): ObjectKind | undefined {
  let kinds = cache.get(module);
  if (!kinds) cache.set(module, (kinds = new ObjectKinds(module)));
  return kinds.of(node);
}
