// Seeded generation of hostile inputs: a file of the corpus (rule fixtures, example projects) with
// one to three mutations of the kinds users and attackers produce. The same seed and input number
// give the same bytes.

/** A small, fast, seedable generator (mulberry32). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** The generator for input `index` of a run: independent of how many inputs came before it. */
export function randomFor(seed: number, index: number, salt = 0): Random {
  return new Random(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35) ^ salt);
}

export interface CorpusFile {
  /** Path inside the repository, for the report. */
  source: string;
  bytes: Buffer;
}

export interface FuzzInput {
  index: number;
  /** The file name it is checked under (its extension chooses the parser). */
  name: string;
  bytes: Buffer;
  /** Where it came from and what was done to it. */
  origin: string;
  mutations: string[];
  /** The folder it is checked in, when one is named as a repository might to break the report
   *  (HTML, Markdown, line breaks); otherwise it sits at the project's root. */
  folder?: string;
}

type Mutator = (bytes: Buffer, random: Random, context: { name: string; corpus: CorpusFile[] }) => Buffer;

const latin1 = (bytes: Buffer) => bytes.toString('latin1');
const fromLatin1 = (text: string) => Buffer.from(text, 'latin1');

function lines(bytes: Buffer): string[] {
  return latin1(bytes).split(/(?<=\n)/);
}

function insertAt(bytes: Buffer, offset: number, inserted: Buffer | string): Buffer {
  const extra = typeof inserted === 'string' ? Buffer.from(inserted, 'utf8') : inserted;
  return Buffer.concat([bytes.subarray(0, offset), extra, bytes.subarray(offset)]);
}

/** The offset of the start of a random line, so that inserted constructs begin a statement. */
function randomLineStart(bytes: Buffer, random: Random): number {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) starts.push(i + 1);
  return random.pick(starts);
}

function extensionOf(name: string): string {
  return name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
}

/** Deeply nested text in the syntax of the file's kind. */
function deepNesting(name: string, random: Random): string {
  const depth = random.pick([200, 1000, 3000, 10000]);
  const ext = extensionOf(name);
  const unbalanced = random.chance(0.3);
  const close = (s: string) => (unbalanced ? '' : s);
  if (ext === 'yaml' || ext === 'yml') {
    if (random.chance(0.5)) return '['.repeat(depth) + '1' + close(']'.repeat(depth)) + '\n';
    let out = '';
    for (let i = 0; i < Math.min(depth, 3000); i++) out += ' '.repeat(i) + 'key:\n';
    return out + ' '.repeat(Math.min(depth, 3000)) + 'value\n';
  }
  if (ext === 'ipynb' || ext === 'json') return '{"a":'.repeat(depth) + '1' + close('}'.repeat(depth));
  if (ext === 'toml') return 'x = ' + '['.repeat(depth) + '1' + close(']'.repeat(depth)) + '\n';
  switch (random.int(0, 3)) {
    case 0:
      return 'x = ' + '('.repeat(depth) + 'model' + close(')'.repeat(depth)) + '\n';
    case 1:
      return 'y = ' + '['.repeat(depth) + '0' + close(']'.repeat(depth)) + '\n';
    case 2: {
      let out = '';
      const levels = Math.min(depth, 1000);
      for (let i = 0; i < levels; i++) out += ' '.repeat(i) + (i % 2 ? 'if x:\n' : 'def f(x):\n');
      return out + ' '.repeat(levels) + 'return x == np.nan\n';
    }
    default:
      return 'z = ' + 'a.'.repeat(depth) + 'fit(X)\n';
  }
}

function hugeLine(random: Random): string {
  const length = random.pick([20_000, 100_000, 300_000]);
  switch (random.int(0, 4)) {
    case 0:
      return 'value = "' + 'a'.repeat(length) + '"\n';
    case 1:
      return 'model = make_pipeline(' + 'StandardScaler(), '.repeat(length / 18) + ')\n';
    case 2:
      return '# ' + 'x'.repeat(length) + '\n';
    case 3:
      return 'total = ' + 'x + '.repeat(length / 4) + '1\n';
    default:
      return 'data/' + 'very-long-name-'.repeat(length / 15) + '*.csv\n';
  }
}

function toUtf16(bytes: Buffer, random: Random): Buffer {
  const text = bytes.toString('utf8');
  const le = Buffer.from('\ufeff' + text, 'utf16le');
  if (random.chance(0.5)) return le;
  const be = Buffer.from(le);
  be.swap16();
  return be;
}

/** Every value of a JSON tree, with a way to replace it. */
function slots(root: unknown): { set: (v: unknown) => void; value: unknown }[] {
  const out: { set: (v: unknown) => void; value: unknown }[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 50 || value === null || typeof value !== 'object') return;
    const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
    for (const [key, child] of entries) {
      out.push({ value: child, set: (v) => ((value as Record<string | number, unknown>)[key] = v) });
      walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return out;
}

const WRONG_VALUES: unknown[] = [null, 0, -1, 1e308, 3.5, true, '', 'x', [], {}, [null], { cell_type: 'code' }, [[['deep']]], 'ghost\n'.repeat(3)];

/** A notebook (or any JSON) with values replaced by values of the wrong type, or keys removed. */
const wrongJsonTypes: Mutator = (bytes, random) => {
  let root: unknown;
  try {
    root = JSON.parse(bytes.toString('utf8'));
  } catch {
    root = { cells: [{ cell_type: 'code', source: 'x = 1', outputs: [] }], nbformat: 4 };
  }
  const all = slots(root);
  if (all.length === 0) return Buffer.from(JSON.stringify(random.pick(WRONG_VALUES)));
  for (let i = random.int(1, 4); i > 0; i--) random.pick(all).set(random.pick(WRONG_VALUES));
  return Buffer.from(JSON.stringify(root, null, random.chance(0.5) ? 1 : 0));
};

const MUTATORS: Record<string, Mutator> = {
  'byte flips': (bytes, random) => {
    const out = Buffer.from(bytes);
    for (let i = random.int(1, 16); i > 0 && out.length; i--) out[random.int(0, out.length - 1)] ^= 1 << random.int(0, 7);
    return out;
  },
  truncation: (bytes, random) => bytes.subarray(0, random.int(0, bytes.length)),
  'line deletion': (bytes, random) => {
    const all = lines(bytes);
    for (let i = random.int(1, 8); i > 0 && all.length; i--) all.splice(random.int(0, all.length - 1), random.int(1, 3));
    return fromLatin1(all.join(''));
  },
  'line duplication': (bytes, random) => {
    const all = lines(bytes);
    if (!all.length) return bytes;
    const at = random.int(0, all.length - 1);
    const block = all.slice(at, at + random.int(1, 4));
    all.splice(at, 0, ...Array.from({ length: random.pick([1, 2, 50, 500]) }, () => block).flat());
    return fromLatin1(all.join(''));
  },
  'deep nesting': (bytes, random, { name }) => insertAt(bytes, randomLineStart(bytes, random), deepNesting(name, random)),
  'huge line': (bytes, random) => insertAt(bytes, randomLineStart(bytes, random), hugeLine(random)),
  'NUL bytes': (bytes, random) => {
    let out = bytes;
    for (let i = random.int(1, 4); i > 0; i--) out = insertAt(out, random.int(0, out.length), Buffer.alloc(random.int(1, 3)));
    return out;
  },
  'invalid UTF-8': (bytes, random) => {
    const bad = [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf]];
    let out = bytes;
    for (let i = random.int(1, 4); i > 0; i--) out = insertAt(out, random.int(0, out.length), Buffer.from(random.pick(bad)));
    return out;
  },
  'UTF-16 with BOM': toUtf16,
  'CR/CRLF mix': (bytes, random) => {
    const style = random.int(0, 2);
    const text = latin1(bytes).replace(/\r?\n/g, () => (style === 0 ? '\r' : style === 1 ? '\r\n' : random.pick(['\r', '\n', '\r\n', '\n\r'])));
    return fromLatin1(text);
  },
  'wrong JSON types': wrongJsonTypes,
  splice: (bytes, random, { corpus }) => {
    const other = random.pick(corpus).bytes;
    const from = random.int(0, other.length);
    return insertAt(bytes, random.int(0, bytes.length), other.subarray(from, from + random.int(0, 2000)));
  },
};

/** Names under which a file is checked instead of its own, so that each parser meets every kind of text. */
const OTHER_NAMES = ['train.py', 'analysis.ipynb', 'params.yaml', 'environment.yml', 'requirements.txt', 'pyproject.toml', 'dvc.yaml', 'MLproject', 'README.md', '.gitignore'];

const MUTATOR_NAMES = Object.keys(MUTATORS);
const MAX_INPUT_BYTES = 1024 * 1024;

/** Folder names that must stay text in every output: HTML, Markdown links and code, table pipes,
 *  line breaks that would start a heading, a percent and a comma for workflow commands. */
export const HOSTILE_FOLDER_NAMES = [
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  'pipe | ``` back`ticks ``` |',
  'line\nbreak\n# heading\n| a | b |',
  '$x$ &lt; *bold* _under_ ~~gone~~ \\ end',
  '<script>alert(1)<\\script>, 100%: done',
];

/** Pieces of names that quoting must survive, inserted into project names. */
const NAME_PIECES = ['"', "'", '\\', '`', '$', '${', '}', '{{', '}}', '"""', "'''", '#', '|', '<', '>', '[', '](', ')', '*', '_', ': ', ' - ', '%', '&', '\n', '\r', '\t', '\u0000', '\u2028', '\u202e', '\u00a0', '\ufeff', '\ud800', 'é', '日', '🚀', 'import os', '---'];

/** Project name `index` of the run with `seed`: one of `seeds` with pieces inserted, spliced with
 *  another or cut short (which can leave half a surrogate pair, or a name the planner must refuse). */
export function generateProjectName(seed: number, index: number, seeds: readonly string[]): { name: string; mutations: string[] } {
  const random = randomFor(seed, index, 2);
  let name = random.pick(seeds);
  const mutations: string[] = [];
  for (let i = random.int(0, 3); i > 0; i--) {
    const at = random.int(0, name.length);
    const kind = random.int(0, 2);
    if (kind === 0) name = name.slice(0, at) + random.pick(NAME_PIECES) + name.slice(at);
    else if (kind === 1) {
      const other = random.pick(seeds);
      name = name.slice(0, at) + other.slice(random.int(0, other.length));
    } else name = name.slice(0, Math.max(at, 1));
    mutations.push(['inserted piece', 'spliced name', 'cut short'][kind]);
  }
  return { name, mutations };
}

/** Input `index` of the run with `seed`. */
export function generate(seed: number, index: number, corpus: CorpusFile[]): FuzzInput {
  const random = randomFor(seed, index);
  const file = random.pick(corpus);
  const original = file.source.split('/').pop()!;
  const name = random.chance(0.1) ? random.pick(OTHER_NAMES) : original;
  const mutations: string[] = [];
  let bytes = file.bytes;
  const preferJson = name.endsWith('.ipynb');
  for (let i = random.int(1, 3); i > 0; i--) {
    const mutation = preferJson && random.chance(0.4) ? 'wrong JSON types' : random.pick(MUTATOR_NAMES);
    mutations.push(mutation);
    bytes = MUTATORS[mutation](bytes, random, { name, corpus });
  }
  // Mutations compound (a duplicated block of a huge line, in UTF-16): beyond a few megabytes an
  // input tests the size limit, which one such input does as well as many.
  if (bytes.length > MAX_INPUT_BYTES) bytes = bytes.subarray(0, MAX_INPUT_BYTES);
  const placement = randomFor(seed, index, 3);
  const folder = placement.chance(0.2) ? placement.pick(HOSTILE_FOLDER_NAMES) : undefined;
  return { index, name, bytes, origin: file.source, mutations, ...(folder ? { folder } : {}) };
}
