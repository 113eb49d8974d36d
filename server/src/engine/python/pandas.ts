// What is a pandas object: DataFrames and Series known from how they were made (pd.read_*,
// pd.DataFrame, selections and methods of other pandas objects, parameters annotated as such),
// followed through simple assignments. Anything not known this way is not pandas: rules about
// pandas stay quiet on objects whose type cannot be told.
import { bindingsOf } from './bindings';
import { Call, Node, PythonModule } from './module';

/** `data`: a DataFrame or Series. `grouped`: GroupBy / Rolling / Resampler. `accessor`: `.str`, `.dt`, `.cat`. */
export type PandasKind = 'data' | 'grouped' | 'accessor';

/** pandas functions that return a DataFrame or Series (read_pickle and read_html return other things). */
const DATA_FUNCTIONS = new Set(
  [
    'read_csv',
    'read_table',
    'read_fwf',
    'read_parquet',
    'read_feather',
    'read_orc',
    'read_excel',
    'read_json',
    'read_sql',
    'read_sql_query',
    'read_sql_table',
    'read_hdf',
    'read_stata',
    'read_sas',
    'read_spss',
    'read_xml',
    'read_clipboard',
    'DataFrame',
    'Series',
    'concat',
    'merge',
    'merge_asof',
    'merge_ordered',
    'get_dummies',
    'pivot',
    'pivot_table',
    'crosstab',
    'json_normalize',
    'melt',
    'wide_to_long',
  ].map((f) => `pandas.${f}`),
);

/** DataFrame / Series methods whose result is again a DataFrame or Series. */
const DATA_METHODS = new Set([
  'abs', 'add', 'add_prefix', 'add_suffix', 'agg', 'aggregate', 'align', 'apply', 'applymap', 'map', 'assign',
  'astype', 'between', 'bfill', 'clip', 'combine_first', 'convert_dtypes', 'copy', 'corr', 'corrwith', 'cov',
  'cummax', 'cummin', 'cumprod', 'cumsum', 'describe', 'diff', 'div', 'drop', 'drop_duplicates', 'droplevel',
  'dropna', 'duplicated', 'eq', 'explode', 'ffill', 'fillna', 'filter', 'ge', 'gt', 'head', 'infer_objects',
  'interpolate', 'isin', 'isna', 'isnull', 'join', 'le', 'lt', 'mask', 'melt', 'merge', 'mode', 'mul', 'ne',
  'nlargest', 'notna', 'notnull', 'nsmallest', 'pct_change', 'pivot', 'pivot_table', 'pow', 'query', 'rank',
  'reindex', 'rename', 'rename_axis', 'reorder_levels', 'replace', 'reset_index', 'round', 'sample',
  'select_dtypes', 'set_axis', 'set_index', 'shift', 'sort_index', 'sort_values', 'stack', 'sub', 'swaplevel',
  'tail', 'to_frame', 'transform', 'transpose', 'truncate', 'unstack', 'value_counts', 'where', 'xs',
]);

const GROUPING_METHODS = new Set(['groupby', 'rolling', 'expanding', 'resample', 'ewm']);

const AGGREGATIONS = new Set([
  'agg', 'aggregate', 'apply', 'count', 'cumcount', 'cumsum', 'describe', 'diff', 'fillna', 'first', 'head', 'last',
  'max', 'mean', 'median', 'min', 'nunique', 'prod', 'quantile', 'rank', 'shift', 'size', 'std', 'sum', 'tail',
  'transform', 'value_counts', 'var',
]);

/** Attributes of a DataFrame / Series that are not columns and not pandas data. */
const NON_DATA_ATTRIBUTES = new Set([
  'values', 'array', 'shape', 'size', 'ndim', 'columns', 'index', 'dtypes', 'dtype', 'empty', 'name', 'names',
  'nbytes', 'axes', 'attrs', 'flags', 'hasnans', 'is_unique', 'is_monotonic_increasing', 'is_monotonic_decreasing',
  'loc', 'iloc', 'at', 'iat', 'plot', 'style',
]);

const ACCESSORS = new Set(['str', 'dt', 'cat', 'sparse']);
const ROW_INDEXERS = new Set(['loc', 'iloc']);

const ANNOTATION_TYPES = new Set(['pandas.DataFrame', 'pandas.Series', 'pandas.core.frame.DataFrame', 'pandas.core.series.Series']);

function unwrap(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildren[0]) n = n.namedChildren[0];
  return n;
}

export class PandasTypes {
  private readonly memo = new Map<number, PandasKind | undefined>();
  private readonly inProgress = new Set<number>();
  /** Every pandas object starts at something imported from pandas (a function, an annotation):
   *  in a module that imports none, nothing is one, and no expression is followed. */
  private readonly importsPandas: boolean;

  constructor(private readonly module: PythonModule) {
    this.importsPandas = module.importsPackage('pandas');
  }

  /** Whether an expression is a DataFrame or a Series. */
  isData(node: Node | null | undefined): boolean {
    return !!node && this.kindOf(node) === 'data';
  }

  kindOf(node: Node): PandasKind | undefined {
    if (!this.importsPandas) return undefined;
    if (this.memo.has(node.id)) return this.memo.get(node.id);
    // A binding that refers to itself (a loop) is not known.
    if (this.inProgress.has(node.id)) return undefined;
    this.inProgress.add(node.id);
    const kind = this.compute(unwrap(node));
    this.inProgress.delete(node.id);
    this.memo.set(node.id, kind);
    return kind;
  }

  /** A `pandas.read_*` / `pandas.DataFrame` ... call, resolved through imports. */
  isPandasFunction(call: Call): boolean {
    return call.imported && DATA_FUNCTIONS.has(call.qualified);
  }

  private compute(node: Node): PandasKind | undefined {
    switch (node.type) {
      case 'identifier':
        return this.fromBindings(node);
      case 'call':
        return this.callKind(this.module.describeCall(node));
      case 'subscript':
        return this.subscriptKind(node);
      case 'attribute':
        return this.attributeKind(node);
      case 'binary_operator': {
        const left = node.childForFieldName('left');
        const right = node.childForFieldName('right');
        if (!left || !right || left.type === 'string' || right.type === 'string') return undefined;
        return this.isData(left) || this.isData(right) ? 'data' : undefined;
      }
      case 'comparison_operator': {
        const operators = node.childrenForFieldName('operators').map((o) => o?.type);
        if (operators.length !== 1 || !['<', '>', '<=', '>=', '==', '!='].includes(operators[0] ?? '')) return undefined;
        return node.namedChildren.some((c) => this.isData(c)) ? 'data' : undefined;
      }
      case 'unary_operator':
        return this.isData(node.childForFieldName('argument')) ? 'data' : undefined;
      case 'conditional_expression': {
        const [a, , b] = node.namedChildren;
        return this.isData(a) && this.isData(b) ? 'data' : undefined;
      }
      default:
        return undefined;
    }
  }

  private fromBindings(node: Node): PandasKind | undefined {
    const bindings = bindingsOf(this.module).reaching(node);
    if (!bindings) return undefined;
    let kind: PandasKind | undefined;
    for (const binding of bindings) {
      const own = binding.annotation && this.isPandasAnnotation(binding.annotation) ? 'data' : binding.value ? this.kindOf(binding.value) : undefined;
      if (!own || (kind && own !== kind)) return undefined;
      kind = own;
    }
    return kind;
  }

  private isPandasAnnotation(annotation: Node): boolean {
    const expr = annotation.type === 'type' ? annotation.namedChildren[0] : annotation;
    const name = expr && this.module.qualify(expr);
    return !!expr && !!name && this.module.isImportedName(expr.text) && ANNOTATION_TYPES.has(name);
  }

  private callKind(call: Call): PandasKind | undefined {
    if (this.isPandasFunction(call)) return returnsIterator(call) ? undefined : 'data';
    // With inplace=True pandas methods return None.
    if (!call.receiver || call.keywords.get('inplace')?.type === 'true') return undefined;
    const receiver = this.kindOf(call.receiver);
    if (receiver === 'data') {
      if (DATA_METHODS.has(call.method)) return 'data';
      if (GROUPING_METHODS.has(call.method)) return 'grouped';
    }
    if (receiver === 'grouped' && AGGREGATIONS.has(call.method)) return 'data';
    if (receiver === 'accessor') return 'data';
    return undefined;
  }

  private subscriptKind(node: Node): PandasKind | undefined {
    const value = node.childForFieldName('value');
    if (!value) return undefined;
    const indices = node.childrenForFieldName('subscript').filter((c): c is Node => c !== null);
    const target = unwrap(value);
    if (target.type === 'attribute' && ROW_INDEXERS.has(target.childForFieldName('attribute')?.text ?? '')) {
      if (!this.isData(target.childForFieldName('object'))) return undefined;
      // `df.loc[row, "col"]` is one value; a slice, a list or a mask in any position selects data.
      if (indices.length === 1) return 'data';
      return indices.some((i) => ['slice', 'list', 'list_comprehension'].includes(i.type) || this.isData(i)) ? 'data' : undefined;
    }
    const kind = this.kindOf(value);
    if (kind === 'grouped') return 'grouped';
    if (kind !== 'data' || indices.length !== 1 || indices[0].type === 'integer') return undefined;
    return 'data';
  }

  private attributeKind(node: Node): PandasKind | undefined {
    const object = node.childForFieldName('object');
    const attribute = node.childForFieldName('attribute')?.text ?? '';
    if (!object) return undefined;
    if (object.type === 'identifier' && object.text === 'self') return this.fromBindings(node);
    const kind = this.kindOf(object);
    if (kind === 'grouped') return 'grouped';
    if (kind === 'accessor') return 'data';
    if (kind !== 'data') return undefined;
    if (ACCESSORS.has(attribute)) return 'accessor';
    if (attribute === 'T') return 'data';
    if (NON_DATA_ATTRIBUTES.has(attribute) || DATA_METHODS.has(attribute) || GROUPING_METHODS.has(attribute)) return undefined;
    // Any other attribute of a DataFrame is a column.
    return 'data';
  }
}

/** `read_csv(..., chunksize=...)` and `iterator=True` give a reader; `read_excel(sheet_name=None)` a dict. */
function returnsIterator(call: Call): boolean {
  if (call.keywords.has('chunksize') || call.keywords.get('iterator')?.text === 'True') return true;
  const sheet = call.keywords.get('sheet_name');
  return call.method === 'read_excel' && !!sheet && (sheet.type === 'none' || sheet.type === 'list');
}

const INDEXERS = new Set(['loc', 'iloc', 'at', 'iat']);

/** `df.loc` -> `df`: the object an indexer belongs to; other nodes unchanged. */
export function stripIndexer(node: Node): Node {
  if (node.type === 'attribute' && INDEXERS.has(node.childForFieldName('attribute')?.text ?? '')) {
    return node.childForFieldName('object') ?? node;
  }
  return node;
}

const cache = new WeakMap<PythonModule, PandasTypes>();

export function pandasTypes(module: PythonModule): PandasTypes {
  let found = cache.get(module);
  if (!found) cache.set(module, (found = new PandasTypes(module)));
  return found;
}
