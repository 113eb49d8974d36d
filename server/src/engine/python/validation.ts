// Whether a module validates the data it handles: a data-validation library, or explicit checks
// (`assert`, `if ...: raise`) on a data frame.
import { bindingsOf } from './bindings';
import { isTabularRead } from './dataio';
import { Node, PythonModule } from './module';
import { pandasTypes } from './pandas';

// Schema and expectation libraries, and the data-quality test suites of Evidently (TestSuite,
// Report with data-quality and drift metrics), whylogs (constraints) and Soda (scans of checks).
const VALIDATION_LIBRARIES = ['pandera', 'great_expectations', 'tensorflow_data_validation', 'pydantic', 'deepchecks', 'evidently', 'whylogs', 'soda', 'pandas_schema'];

const SCHEMA_ATTRIBUTES = new Set(['columns', 'dtypes', 'schema']);

function isFrame(module: PythonModule, node: Node): boolean {
  if (pandasTypes(module).isData(node)) return true;
  const bindings = node.type === 'identifier' ? bindingsOf(module).reaching(node) : undefined;
  return !!bindings && bindings.every((b) => b.value?.type === 'call' && isTabularRead(module, module.describeCall(b.value)));
}

/** Whether an expression looks at a data frame, directly or through a variable computed from one
 *  (`missing = REQUIRED - set(df.columns)` then `if missing: raise`). */
function inspectsFrame(module: PythonModule, expression: Node, followVariables = true): boolean {
  // `x.columns`, `x.dtypes`, `x.schema` describe a table whatever library made it.
  const attributes = expression.type === 'attribute' ? [expression] : expression.descendantsOfType('attribute');
  if (attributes.some((a) => a && SCHEMA_ATTRIBUTES.has(a.childForFieldName('attribute')?.text ?? ''))) return true;
  const ids = expression.type === 'identifier' ? [expression] : expression.descendantsOfType('identifier').filter((n): n is Node => !!n);
  for (const id of ids) {
    if (id.parent?.type === 'attribute' && id.parent.childForFieldName('attribute')?.id === id.id) continue;
    if (isFrame(module, id)) return true;
    if (!followVariables) continue;
    const values = bindingsOf(module).reaching(id)?.map((b) => b.value);
    if (values?.some((v) => v && inspectsFrame(module, v, false))) return true;
  }
  return false;
}

function raises(block: Node | null): boolean {
  return !!block && block.namedChildren.some((s) => s?.type === 'raise_statement');
}

// Great Expectations' API, also when the dataset or context comes from a project helper:
// `batch.expect_column_values_to_not_be_null(...)`, `context.run_checkpoint(...)`.
const EXPECTATION_CALL = /^(expect_(column|table|multicolumn|compound_columns|select_column)\w*|run_checkpoint)$/;

export function validatesData(module: PythonModule): boolean {
  if (VALIDATION_LIBRARIES.some((lib) => module.importsPackage(lib))) return true;
  if (module.calls().some((c) => c.receiver !== undefined && EXPECTATION_CALL.test(c.method))) return true;
  for (const statement of module.nodes('assert_statement')) {
    const condition = statement.namedChildren[0];
    if (condition && inspectsFrame(module, condition)) return true;
  }
  for (const statement of module.nodes('if_statement')) {
    const condition = statement.childForFieldName('condition');
    if (condition && raises(statement.childForFieldName('consequence')) && inspectsFrame(module, condition)) return true;
  }
  return false;
}
