// Known configuration files checked against the JSON schemas in schemas/, each violation placed on
// the YAML node it is about.
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, isPair, isScalar, isSeq, Node as YamlNode } from 'yaml';
import dvcSchema from '../../../schemas/dvc.schema.json';
import mlHygieneSchema from '../../../schemas/ml-hygiene.schema.json';
import mlprojectSchema from '../../../schemas/mlproject.schema.json';
import { Range } from './types';
import { nodeRange, YamlFile } from './yaml';

let ajv: Ajv | undefined;

/** A known config file's schema, compiled when first needed: compiled at load, these three and the
 *  configuration's own (config.ts) cost every process and scan thread some 80 ms as it started, and
 *  most projects hold none of these files. */
class KnownConfig {
  private compiled?: ValidateFunction;

  constructor(
    /** What the file is, for messages. */
    readonly kind: string,
    private readonly schema: object,
  ) {}

  get validate(): ValidateFunction {
    return (this.compiled ??= (ajv ??= new Ajv({ allErrors: true, allowUnionTypes: true })).compile(this.schema));
  }
}

const KNOWN: { name: RegExp; config: KnownConfig }[] = [
  { name: /^\.ml-hygiene\.ya?ml$/, config: new KnownConfig('ML Hygiene configuration', mlHygieneSchema) },
  { name: /(^|\/)dvc\.yaml$/, config: new KnownConfig('DVC pipeline', dvcSchema) },
  { name: /(^|\/)MLproject$/, config: new KnownConfig('MLflow project', mlprojectSchema) },
];

/** The schema a file follows, by its path (the ML Hygiene configuration counts at the root only). */
export function knownConfigOf(path: string): KnownConfig | undefined {
  return KNOWN.find((k) => k.name.test(path))?.config;
}

export interface SchemaViolation {
  range: Range;
  message: string;
}

/** Where a violation at a JSON pointer (`/stages/train/outs/0`) of a YAML document goes: the node
 *  itself when it is a scalar, else the key it sits under (a whole mapping would underline many
 *  lines). With `key`, that key of the mapping. Missing nodes fall back to the deepest one found. */
function locate(root: unknown, pointer: string, key?: string): YamlNode | undefined {
  const segments = pointer ? pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
  if (key !== undefined) segments.push(key);
  let node = root as YamlNode | undefined;
  let keyNode: YamlNode | undefined;
  for (const segment of segments) {
    const container: unknown = node;
    let next: YamlNode | undefined;
    if (isMap(container)) {
      const pair = container.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === segment);
      if (!pair) break;
      keyNode = pair.key as YamlNode;
      next = (pair.value ?? undefined) as YamlNode | undefined;
      if (!next) return keyNode; // `key:` with no value has no node of its own
    } else if (isSeq(container)) {
      next = container.items[Number(segment)] as YamlNode | undefined;
      keyNode = undefined;
    }
    if (!next) break;
    node = next;
  }
  if (key !== undefined) return keyNode ?? node;
  return isScalar(node) ? node : (keyNode ?? node);
}

function describeError(error: ErrorObject): string {
  if (error.propertyName !== undefined) return `\`${error.propertyName}\` is not a valid key here (${error.message ?? 'invalid name'})`;
  const where = error.instancePath ? `\`${error.instancePath.slice(1).replace(/\//g, '.')}\`` : 'the top level';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key \`${String(params.additionalProperty)}\` in ${where}`;
    case 'required':
      return `${where} lacks the required key \`${String(params.missingProperty)}\``;
    case 'type':
      return `${where} must be ${String(params.type).replace(/,/g, ' or ')}`;
    case 'enum':
      return `${where} must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    default:
      return `${where} ${error.message ?? 'is invalid'}`;
  }
}

/** Schema violations of a parsed known config file (none when it does not parse: MLH607 reports
 *  the syntax error instead). Errors of the branch not taken by an if/then/else are dropped. */
export function schemaViolations(file: YamlFile, config: KnownConfig): SchemaViolation[] {
  if (file.errors.length || file.documents.length !== 1) return [];
  const doc = file.documents[0];
  const value = doc.toJS({ maxAliasCount: 1000 }) ?? {};
  if (config.validate(value)) return [];
  const seen = new Set<string>();
  const out: SchemaViolation[] = [];
  for (const error of config.validate.errors ?? []) {
    // `if` and `propertyNames` repeat what the errors of their subschemas already say.
    if (error.keyword === 'if' || error.keyword === 'propertyNames') continue;
    const key =
      error.propertyName ??
      (error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty: string }).additionalProperty) : undefined);
    const range = nodeRange(file, locate(doc.contents, error.instancePath, key) as { range?: [number, number, number] } | undefined);
    const message = `${config.kind}: ${describeError(error)}`;
    const id = `${range.start.line}:${range.start.character}:${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ range, message });
  }
  return out;
}
