// Request and data schemas: classes that validate what they are built from (pydantic, marshmallow,
// pandera models), and the calls that validate a payload against one.
import { Call, nameText, PythonModule } from './module';
import { basesOf } from './structure';

const SCHEMA_BASES = new Set([
  'pydantic.BaseModel',
  'pydantic.RootModel',
  'pydantic.v1.BaseModel',
  'marshmallow.Schema',
  'pandera.DataFrameModel',
  'pandera.SchemaModel',
  'pandera.polars.DataFrameModel',
  'sqlmodel.SQLModel',
  'msgspec.Struct',
]);

/** Classes of the module that are validation schemas, subclasses of each other's included. */
export function schemaClassesOf(module: PythonModule): string[] {
  const classes = module.nodes('class_definition').map((c) => ({ name: c.childForFieldName('name')?.text ?? '', bases: basesOf(module, c) }));
  const schemas = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const { name, bases } of classes) {
      if (!schemas.has(name) && bases.some((b) => SCHEMA_BASES.has(b) || schemas.has(b))) {
        schemas.add(name);
        grew = true;
      }
    }
  }
  return [...schemas];
}

const VALIDATING_METHODS = new Set(['model_validate', 'model_validate_json', 'parse_obj', 'parse_raw', 'validate_python', 'validate_json']);
const VALIDATING_FUNCTIONS = new Set(['jsonschema.validate', 'pydantic.TypeAdapter', 'pydantic.parse_obj_as', 'fastjsonschema.compile']);

/** A call that validates a payload by its shape alone: `Model.model_validate(d)`, `schema.load(d)`
 *  (marshmallow), `Schema.validate(df)` (pandera), `jsonschema.validate(d, SCHEMA)`. */
export function isValidatingCall(call: Call): boolean {
  if (VALIDATING_FUNCTIONS.has(call.qualified) || VALIDATING_METHODS.has(call.method)) return true;
  return (call.method === 'load' || call.method === 'validate') && call.receiver !== undefined && /schema/i.test(nameText(call.receiver));
}
