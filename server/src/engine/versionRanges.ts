// The versions a dependency specifier admits, as one interval, in the dialects dependency files use:
// pip's PEP 440 (`==1.2.*`, `~=1.4.5`, `>=1,<2`), Poetry's (`^1.2`, `~1.2`, a bare `1.2.3`) and
// conda's match specs (`=1.26` is 1.26.*, `1.26.4` is exact). Exclusions (`!=`) are ignored: they
// never make two ranges disjoint that would otherwise meet. Only release numbers are compared; a
// local label (`+cu118`) is dropped and a pre-release sorts just below its release.

export type Dialect = 'pip' | 'poetry' | 'conda';

interface Bound {
  version: number[];
  inclusive: boolean;
}

/** Versions from `lower` to `upper`; a missing bound is open. */
export interface VersionRange {
  lower?: Bound;
  upper?: Bound;
}

const VERSION = /^v?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview|dev)[-_.]?\d*)?(?:[-_.]?post\d*)?(?:\+[\w.]*)?$/i;

/** Release numbers of a version, a pre-release ending in -1 (below the release's 0 padding); undefined when it is none. */
function parseVersion(text: string): number[] | undefined {
  const m = VERSION.exec(text.trim());
  if (!m) return undefined;
  const release = m[1].split('.').map(Number);
  return m[2] ? [...release, -1] : release;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The first release after every version that starts with `prefix` (1.2 -> 1.3). */
function nextRelease(prefix: number[]): number[] {
  return [...prefix.slice(0, -1), prefix[prefix.length - 1] + 1];
}

function between(low: number[], high: number[]): VersionRange {
  return { lower: { version: low, inclusive: true }, upper: { version: high, inclusive: false } };
}

const EVERY_VERSION: VersionRange = {};

/** One clause (`>=1.2`, `^2`, `1.26.*`) as a range; undefined when it cannot be read. */
function clauseRange(clause: string, dialect: Dialect): VersionRange | undefined {
  const m = /^(===|==|~=|!=|>=|<=|\^|~|>|<|=)?\s*(.+)$/.exec(clause.trim());
  if (!m) return undefined;
  let [, operator = '', text] = m;
  if (operator === '!=') return EVERY_VERSION;
  // A conda build string follows a second `=` (`=1.26.4=py310h5f9d8c6_0`).
  if (dialect === 'conda') text = text.split('=')[0];
  if (text === '*') return EVERY_VERSION;
  const wildcard = /^(.+?)\.\*$/.exec(text);
  // A bare version is exact for pip and Poetry; conda reads `=1.26` as 1.26.* and `1.26.4` as exact.
  if (dialect === 'conda' && operator === '=') operator = '=*';
  if (wildcard || operator === '=*') {
    const prefix = parseVersion(wildcard ? wildcard[1] : text);
    if (!prefix || !['', '==', '=', '=*'].includes(operator)) return undefined;
    return between(prefix, nextRelease(prefix));
  }
  const version = parseVersion(text);
  if (!version) return undefined;
  const release = version.filter((n) => n >= 0);
  switch (operator) {
    case '':
    case '=':
    case '==':
    case '===':
      return { lower: { version, inclusive: true }, upper: { version, inclusive: true } };
    case '>=':
      return { lower: { version, inclusive: true } };
    case '>':
      return { lower: { version, inclusive: false } };
    case '<=':
      return { upper: { version, inclusive: true } };
    case '<':
      return { upper: { version, inclusive: false } };
    case '~=':
      // ~=1.4.5 is >=1.4.5,<1.5; ~=2.2 is >=2.2,<3.
      return release.length < 2 ? undefined : between(version, nextRelease(release.slice(0, -1)));
    case '~':
      // Poetry: ~1.2.3 is >=1.2.3,<1.3; ~1 is >=1,<2.
      return between(version, nextRelease(release.slice(0, Math.min(2, release.length))));
    case '^': {
      // Poetry: the leftmost non-zero number may not change (^1.2 <2, ^0.3 <0.4, ^0.0.5 <0.0.6).
      const significant = release.findIndex((n) => n !== 0);
      const upto = significant < 0 ? release.length : significant + 1;
      return between(version, nextRelease(release.slice(0, upto)));
    }
  }
  return undefined;
}

function intersect(a: VersionRange, b: VersionRange): VersionRange {
  const tighterLower = (x?: Bound, y?: Bound) => (!x ? y : !y ? x : compare(x.version, y.version) > 0 || (compare(x.version, y.version) === 0 && !x.inclusive) ? x : y);
  const tighterUpper = (x?: Bound, y?: Bound) => (!x ? y : !y ? x : compare(x.version, y.version) < 0 || (compare(x.version, y.version) === 0 && !x.inclusive) ? x : y);
  return { lower: tighterLower(a.lower, b.lower), upper: tighterUpper(a.upper, b.upper) };
}

/** The range a whole specifier admits (clauses joined by commas, or blanks in Poetry and conda);
 *  undefined when any clause cannot be read, or the specifier offers alternatives (`||`, `|`). */
export function versionRange(specifier: string, dialect: Dialect): VersionRange | undefined {
  const text = specifier.trim();
  if (!text) return EVERY_VERSION;
  if (text.includes('|')) return undefined;
  // `>= 1.2, < 2` and Poetry's `>=1.2 <2`: split between clauses, never inside one.
  const clauses = text.split(/\s*,\s*|\s+(?=[<>=!~^])/).filter(Boolean);
  let range: VersionRange = EVERY_VERSION;
  for (const clause of clauses) {
    const next = clauseRange(clause, dialect);
    if (!next) return undefined;
    range = intersect(range, next);
  }
  return range;
}

/** Whether no version lies in both ranges. */
export function disjoint(a: VersionRange, b: VersionRange): boolean {
  const { lower, upper } = intersect(a, b);
  if (!lower || !upper) return false;
  const order = compare(lower.version, upper.version);
  return order > 0 || (order === 0 && !(lower.inclusive && upper.inclusive));
}
