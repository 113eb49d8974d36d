// What the scan's cache may hand back (scanCache.ts): an entry is used only when every part of it has
// the shape the scan writes and every path in it stays inside the checked folder. The cache is read
// from the checked folder, which whoever can write there (a cloned repository, say) may fill: a
// malformed entry must not stop the scan, nor a crafted one place findings, or files that fixes
// create, outside the folder.
import { ROLES } from './roles';
import { FirstPass, SecondPass } from './scanShare';
import { Finding, isObject, Notice } from './types';

/** A file's results as the cache keeps them: its facts (the first pass without its rules) and its
 *  rules' results. */
export interface CachedFile {
  first: FirstPass;
  second?: SecondPass;
}

/** The results of the project rules. */
export interface ProjectResults {
  findings: Finding[];
  notices: Notice[];
}

/** A check of a value read from JSON. A shape is a check, or an object of shapes (an object with
 *  those fields and no other; a name ending in `?` may be missing), or a one-element array (an array
 *  of those). A field the shapes do not know makes an entry another build's, or no build's. */
type Check = (value: unknown) => boolean;
type Shape = Check | readonly Shape[] | { readonly [field: string]: Shape };

/** The check of a shape, made once: a cache holds thousands of entries (keras: 1,032 files). */
function checkOf(shape: Shape): Check {
  if (typeof shape === 'function') return shape;
  if (Array.isArray(shape)) {
    const item = checkOf(shape[0]);
    return (value) => Array.isArray(value) && value.every(item);
  }
  const fields = Object.entries(shape as { readonly [field: string]: Shape }).map(([field, fieldShape]) => ({
    name: field.endsWith('?') ? field.slice(0, -1) : field,
    optional: field.endsWith('?'),
    check: checkOf(fieldShape),
  }));
  const names = new Set(fields.map((field) => field.name));
  return (value) => {
    if (!isObject(value)) return false;
    for (const name in value) if (!names.has(name)) return false;
    return fields.every((field) => (field.optional && value[field.name] === undefined) || field.check(value[field.name]));
  };
}

const string: Check = (value) => typeof value === 'string';
const boolean: Check = (value) => typeof value === 'boolean';
const count: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const oneOf =
  (...values: string[]): Check =>
  (value) =>
    values.includes(value as string);
const recordOf = (shape: Shape): Check => {
  const item = checkOf(shape);
  return (value) => isObject(value) && Object.values(value).every(item);
};
/** A path relative to the checked folder, in it: forward slashes, no `..`, not absolute. */
const pathInside: Check = (value) =>
  typeof value === 'string' && value !== '' && !value.startsWith('/') && !value.includes('\\') && !/^[A-Za-z]:/.test(value) && !value.split('/').includes('..');

const position = { line: count, character: count };
const range = { start: position, end: position };
const notice = { path: pathInside, message: string };
const finding = {
  code: string,
  name: string,
  severity: oneOf('error', 'warning', 'information'),
  message: string,
  path: pathInside,
  range,
  'cell?': count,
  'fileRange?': range,
  'related?': [{ path: pathInside, range, message: string, 'cell?': count, 'fileRange?': range }],
  'fix?': { title: string, 'edits?': [{ range, newText: string }], 'create?': [{ path: pathInside, content: string }], 'rename?': pathInside },
  'unnecessary?': boolean,
  'role?': oneOf(...ROLES),
  'wholeProject?': boolean,
};
const names = [string];
const pythonFacts = {
  module: string,
  imports: names,
  calls: names,
  functions: names,
  isML: boolean,
  isTest: boolean,
  trainsModel: boolean,
  savesModel: boolean,
  stringKeysRead: names,
  callsByScope: recordOf(names),
  seedingScopes: names,
  seedsLoaderWorkers: boolean,
  functionFingerprints: [{ name: string, line: count, bodyHash: string, writesColumns: boolean }],
  pathsRead: names,
  pathsWritten: names,
  schemaClasses: names,
  configNamesRead: names,
  configEscapes: [{ 'key?': string, 'callee?': string }],
  artifactsWritten: [{ 'path?': string, 'key?': string, line: count, holds: oneOf('state dict', 'object') }],
  // The requested facts, there when a selected rule asks for them (facts.ts).
  'validatesData?': boolean,
  'torchDeterministic?': boolean,
  'testScoreFunctions?': [{ name: string, line: count }],
};
const facts = {
  path: pathInside,
  kind: oneOf('python', 'notebook', 'yaml', 'requirements', 'toml', 'other'),
  'python?': pythonFacts,
  'yamlKeys?': [names],
  'requirements?': names,
  'personalData?': { kind: oneOf('email address', 'phone number', 'payment card number', 'IBAN'), line: count, 'cell?': count },
};

const isCachedFileShape = checkOf({
  first: { path: string, 'facts?': facts, notices: [notice], analyse: boolean, 'outOfTime?': boolean, 'factsHash?': string },
  'second?': { path: string, findings: [finding], notices: [notice], 'outOfTime?': boolean },
});

/** Whether a cache entry is one the scan wrote for the file at `path`: its facts and the findings of
 *  its rules are of that file. */
export function isCachedFile(value: unknown, path: string): value is CachedFile {
  if (!isCachedFileShape(value)) return false;
  const { first, second } = value as CachedFile;
  return first.path === path && (first.facts === undefined || first.facts.path === path) && (second === undefined || (second.path === path && second.findings.every((f) => f.path === path)));
}

export const isProjectResults = checkOf({ findings: [finding], notices: [notice] }) as (value: unknown) => value is ProjectResults;
