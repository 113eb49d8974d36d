// Where code reads and writes data: tabular reads (pandas, polars, dask, Spark), writes of files, and
// the path or URL such a call names, as far as it is written in the code (literals, f-strings,
// os.path.join, pathlib joins, constants). Nothing is evaluated.
import { bindingsOf } from './bindings';
import { Call, Node, PythonModule } from './module';

const PANDAS_TABLE_READERS = [
  'read_csv', 'read_table', 'read_fwf', 'read_parquet', 'read_feather', 'read_orc', 'read_excel', 'read_json',
  'read_sql', 'read_sql_query', 'read_sql_table', 'read_hdf', 'read_stata', 'read_sas', 'read_spss', 'read_xml',
];
const POLARS_TABLE_READERS = [
  'read_csv', 'read_parquet', 'read_ipc', 'read_json', 'read_ndjson', 'read_excel', 'read_database', 'read_delta', 'read_avro',
  'scan_csv', 'scan_parquet', 'scan_ipc', 'scan_ndjson', 'scan_delta',
];
const DASK_TABLE_READERS = ['read_csv', 'read_parquet', 'read_json', 'read_table', 'read_sql_table', 'read_orc'];

const TABLE_READERS = new Set([
  ...PANDAS_TABLE_READERS.map((f) => `pandas.${f}`),
  ...POLARS_TABLE_READERS.map((f) => `polars.${f}`),
  ...DASK_TABLE_READERS.map((f) => `dask.dataframe.${f}`),
]);

/** Methods of Spark's DataFrameReader that load a table. */
const SPARK_FORMATS = new Set(['csv', 'json', 'parquet', 'orc', 'load', 'table', 'jdbc', 'text']);

/** The Spark reader or writer a call goes through: `spark.read` in `spark.read.option(...).csv(p)`,
 *  `df.write` in `df.write.mode("overwrite").parquet(p)`. */
function sparkBuilder(call: Call, attribute: 'read' | 'write'): Node | undefined {
  let n: Node | null | undefined = call.receiver;
  while (n) {
    if (n.type === 'attribute' && n.childForFieldName('attribute')?.text === attribute) return n;
    // Step through the builder calls: `.option(...)`, `.format(...)`, `.schema(...)`.
    n = n.type === 'call' ? n.childForFieldName('function')?.childForFieldName('object') : undefined;
  }
  return undefined;
}

/** The builder methods called between `spark.read` and the load (`option`, `schema`, ...). */
function sparkBuilderMethods(call: Call): string[] {
  const methods: string[] = [];
  for (let n: Node | null | undefined = call.receiver; n?.type === 'call'; ) {
    const func = n.childForFieldName('function');
    methods.push(func?.childForFieldName('attribute')?.text ?? '');
    n = func?.childForFieldName('object');
  }
  return methods;
}

/** Whether a call reads a table: pandas / polars / dask `read_*`, or a Spark `spark.read....csv(...)`. */
export function isTabularRead(module: PythonModule, call: Call): boolean {
  if (call.imported && TABLE_READERS.has(call.qualified)) return true;
  if (!SPARK_FORMATS.has(call.method)) return false;
  const reader = sparkBuilder(call, 'read');
  const readerOwner = reader?.childForFieldName('object');
  if (!readerOwner) return false;
  return module.importsPackage('pyspark') || /(^|\.)spark$/i.test(readerOwner.text);
}

/** A tabular read that enforces a schema while reading (Spark `.schema(...)`, polars `schema=`). */
export function readsWithSchema(call: Call): boolean {
  return call.keywords.has('schema') || sparkBuilderMethods(call).includes('schema');
}

/** The argument that names the data a read loads (first positional, or the usual keywords). */
export function readSource(call: Call): Node | undefined {
  for (const key of ['filepath_or_buffer', 'path', 'source', 'io', 'path_or_buf', 'urlpath', 'fname', 'file', 'origin', 'url']) {
    const value = call.keywords.get(key);
    if (value) return value;
  }
  return call.positional[0];
}

/** Marks a part of a path that the code computes at run time. */
export const UNKNOWN = '\u0000';

/** The text of a path or URL expression as written: literals, f-strings (interpolations resolved
 *  when they are constants, else UNKNOWN), `os.path.join`, `Path(...)`, `/` and `+` joins, and
 *  names assigned such expressions. Undefined when nothing of it is written in the code. */
export function pathText(module: PythonModule, node: Node | null | undefined, depth = 0): string | undefined {
  if (!node || depth > 12) return undefined;
  switch (node.type) {
    case 'string':
      return node.namedChildren
        .map((part) => {
          if (!part || part.type === 'string_start' || part.type === 'string_end') return '';
          if (part.type === 'interpolation') return pathText(module, part.childForFieldName('expression'), depth + 1) ?? UNKNOWN;
          return part.text;
        })
        .join('');
    case 'concatenated_string':
      return node.namedChildren.map((s) => pathText(module, s, depth + 1) ?? UNKNOWN).join('');
    case 'parenthesized_expression':
      return pathText(module, node.namedChildren[0], depth + 1);
    case 'identifier':
    case 'attribute': {
      const bindings = bindingsOf(module).reaching(node);
      if (!bindings || bindings.length !== 1 || !bindings[0].value) return undefined;
      return pathText(module, bindings[0].value, depth + 1);
    }
    case 'binary_operator': {
      const operator = node.childForFieldName('operator')?.type;
      if (operator !== '/' && operator !== '+') return undefined;
      const left = pathText(module, node.childForFieldName('left'), depth + 1) ?? UNKNOWN;
      const right = pathText(module, node.childForFieldName('right'), depth + 1) ?? UNKNOWN;
      if (left === UNKNOWN && right === UNKNOWN) return undefined;
      return operator === '/' ? `${left}/${right}` : left + right;
    }
    case 'call': {
      const call = module.describeCall(node);
      const joins = call.qualified === 'os.path.join' || call.qualified === 'posixpath.join' || /^pathlib\.(Pure)?(Posix)?Path$/.test(call.qualified);
      if (!joins || call.hasSplat || call.positional.length === 0) return undefined;
      const parts = call.positional.map((p) => pathText(module, p, depth + 1) ?? UNKNOWN);
      return parts.every((p) => p === UNKNOWN) ? undefined : parts.join('/');
    }
    default:
      return undefined;
  }
}

/** Functions that write (or delete) a file, with the position of the path they change. */
const WRITE_FUNCTIONS = new Map<string, { index: number; keywords: string[] }>([
  ['numpy.save', { index: 0, keywords: ['file'] }],
  ['numpy.savez', { index: 0, keywords: ['file'] }],
  ['numpy.savez_compressed', { index: 0, keywords: ['file'] }],
  ['numpy.savetxt', { index: 0, keywords: ['fname'] }],
  ['joblib.dump', { index: 1, keywords: ['filename'] }],
  ['torch.save', { index: 1, keywords: ['f'] }],
  ['shutil.copy', { index: 1, keywords: ['dst'] }],
  ['shutil.copy2', { index: 1, keywords: ['dst'] }],
  ['shutil.copyfile', { index: 1, keywords: ['dst'] }],
  ['shutil.move', { index: 1, keywords: ['dst'] }],
  ['shutil.rmtree', { index: 0, keywords: ['path'] }],
  ['os.remove', { index: 0, keywords: ['path'] }],
  ['os.unlink', { index: 0, keywords: ['path'] }],
]);

/** Methods that write their receiver's data to the path given first (pandas `to_*`, polars `write_*`, ...). */
const WRITE_METHODS = new Set([
  ...['csv', 'parquet', 'excel', 'json', 'feather', 'pickle', 'hdf', 'orc', 'stata', 'xml'].map((format) => `to_${format}`),
  ...['csv', 'parquet', 'ipc', 'json', 'ndjson', 'excel', 'avro', 'delta'].map((format) => `write_${format}`),
  'tofile',
  'save',
  'savefig',
]);
const WRITE_METHOD_KEYWORDS = ['path', 'path_or_buf', 'excel_writer', 'file', 'fname', 'filepath'];

/** Methods of a path object that change the file it names. */
const PATH_WRITE_METHODS = new Set(['write_text', 'write_bytes', 'unlink']);

/** `open()` modes that change the file. */
function writesMode(mode: Node | undefined): boolean {
  const text = mode?.type === 'string' ? mode.text.replace(/^[a-zA-Z]*["']|["']$/g, '') : undefined;
  return text !== undefined && /[wax+]/.test(text);
}

/** The path a call writes to or deletes, when it is one of the known writes. */
export function writeTarget(module: PythonModule, call: Call): Node | undefined {
  const known = call.imported ? WRITE_FUNCTIONS.get(call.qualified) : undefined;
  if (known) return known.keywords.map((k) => call.keywords.get(k)).find(Boolean) ?? call.positional[known.index];
  if ((call.callee === 'open' && !module.isImportedName('open')) || call.qualified === 'io.open') {
    return writesMode(call.keywords.get('mode') ?? call.positional[1]) ? (call.keywords.get('file') ?? call.positional[0]) : undefined;
  }
  if (!call.receiver || call.imported) return undefined;
  if (SPARK_FORMATS.has(call.method) || call.method === 'save') {
    if (sparkBuilder(call, 'write')) return call.keywords.get('path') ?? call.positional[0];
  }
  if (WRITE_METHODS.has(call.method)) return WRITE_METHOD_KEYWORDS.map((k) => call.keywords.get(k)).find(Boolean) ?? call.positional[0];
  if (PATH_WRITE_METHODS.has(call.method)) return call.receiver;
  if (call.method === 'open' && writesMode(call.keywords.get('mode') ?? call.positional[0])) return call.receiver;
  return undefined;
}
