// The scan's cache on disk, as ruff keeps one: each file's results under the hash of its content, in
// a folder of the checked project that git ignores and that is safe to delete. One cache file per
// key (this build of the tool, the configuration, the rule selection and the budget), of which the
// KEPT_KEYS last written are kept: the command line and a language server with personal settings
// on top of the configuration each keep theirs, and earlier builds' caches go as newer ones are
// written. A cache that cannot be read, or whose content does not match its checksum, counts as
// empty, and an entry the scan does not take for its own (cachedResults.ts), as missing. It is
// written only inside the project's folder, never through a symbolic link, and failing to write it
// is no error.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_FOLDER, isInsideFolder, readFileInside } from './workspace';
const FORMAT = 1;
/** The cache files kept: those of the keys last written. */
const KEPT_KEYS = 4;
const CACHE_FILE = /^scan-[0-9a-f]{16}\.json$/;

function sha1(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('hex');
}

/** The build of the tool (scripts/build.mjs): its command line and its language server share a
 *  cache, and a rebuilt tool never reads what another build wrote. */
declare const ML_HYGIENE_BUILD: string;

/** The hash a file's cache entry is kept under: of its bytes. */
export function hashOfBytes(bytes: Buffer): string {
  return sha1(bytes);
}

/** The hash of a file's bytes, read as the analysis reads it (inside `realRoot` only); undefined when
 *  it is above the size limit or cannot be read (the analysis notes why). */
export function contentHash(file: { absolutePath: string; size: number }, limits: { realRoot: string; maxFileSizeMB: number }): string | undefined {
  if (file.size > limits.maxFileSizeMB * 1024 * 1024) return undefined;
  try {
    return hashOfBytes(readFileInside(limits.realRoot, file.absolutePath));
  } catch {
    return undefined;
  }
}

/** The hash of anything plain (the project index's data, for instance). */
export function hashOfData(data: unknown): string {
  return sha1(JSON.stringify(data));
}

interface Header {
  format: number;
  key: string;
  /** sha1 of the body, the text after the header's line. */
  checksum: string;
}

interface Body<Entry, Project> {
  /** What the project-wide results were computed from (see scan.ts). */
  indexHash: string;
  files: Record<string, { hash: string; entry: Entry }>;
  project?: Project;
}

/** Per-file entries (`Entry`) under the hash of each file's content, and the project-wide results
 *  (`Project`) under the hash of what they were computed from. */
export class ScanCache<Entry, Project> {
  private constructor(
    private readonly folder: string,
    private readonly file: string,
    private readonly key: string,
    private readonly isEntry: (value: unknown, path: string) => value is Entry,
    private readonly body?: Body<Entry, Project>,
  ) {}

  /** Opens the cache of `realRoot` (the real path of the checked folder) for a key: anything plain
   *  that decides what the results are (configuration, rule selection ...). An entry that fails
   *  `isEntry` (a cache edited by hand, say) counts as missing. */
  static open<Entry, Project>(
    realRoot: string,
    keyParts: unknown,
    isEntry: (value: unknown, path: string) => value is Entry,
  ): ScanCache<Entry, Project> {
    const key = hashOfData({ format: FORMAT, tool: ML_HYGIENE_BUILD, keyParts });
    const folder = path.join(realRoot, CACHE_FOLDER);
    const file = path.join(folder, `scan-${key.slice(0, 16)}.json`);
    return new ScanCache(folder, file, key, isEntry, readBody<Entry, Project>(realRoot, file, key));
  }

  /** The entry of a file whose content has this hash; undefined when the cache has none. */
  entry(path: string, hash: string): Entry | undefined {
    const cached = this.body?.files[path];
    return typeof cached === 'object' && cached?.hash === hash && this.isEntry(cached.entry, path) ? cached.entry : undefined;
  }

  /** Whether it holds an entry for any file: a cache read afresh (the first run, another key) has
   *  none, and hashing files to look them up would be work for nothing. */
  get holdsEntries(): boolean {
    return this.body !== undefined && Object.keys(this.body.files).length > 0;
  }

  get indexHash(): string | undefined {
    return this.body?.indexHash;
  }

  get project(): Project | undefined {
    return this.body?.project;
  }

  /** Replaces the cache with these results (and removes the caches of other keys but the last
   *  written); quietly does nothing when the folder cannot be written. */
  save(indexHash: string, files: Map<string, { hash: string; entry: Entry }>, project?: Project): void {
    const body = JSON.stringify({ indexHash, files: Object.fromEntries(files), project } satisfies Body<Entry, Project>);
    const header: Header = { format: FORMAT, key: this.key, checksum: sha1(body) };
    const temporary = `${this.file}.${process.pid}.tmp`;
    try {
      if (!ownFolder(this.folder)) return;
      writeNew(path.join(this.folder, '.gitignore'), '# Written by ml-hygiene: its cache, safe to delete.\n*\n');
      writeNew(temporary, `${JSON.stringify(header)}\n${body}`);
      // A rename replaces a link at the target instead of writing through it.
      fs.renameSync(temporary, this.file);
      const others = fs
        .readdirSync(this.folder)
        .map((name) => path.join(this.folder, name))
        .filter((file) => CACHE_FILE.test(path.basename(file)) && file !== this.file)
        .map((file) => ({ file, written: fs.lstatSync(file).mtimeMs }))
        .sort((a, b) => b.written - a.written);
      for (const { file } of others.slice(KEPT_KEYS - 1)) fs.unlinkSync(file);
    } catch {
      try {
        fs.unlinkSync(temporary);
      } catch {
        // Never written.
      }
    }
  }
}

function readBody<Entry, Project>(realRoot: string, file: string, key: string): Body<Entry, Project> | undefined {
  try {
    const text = readFileInside(realRoot, file).toString('utf8');
    const newline = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, newline)) as Header;
    const body = text.slice(newline + 1);
    if (header.format !== FORMAT || header.key !== key || header.checksum !== sha1(body)) return undefined;
    const parsed = JSON.parse(body) as Body<Entry, Project>;
    return typeof parsed.indexHash === 'string' && typeof parsed.files === 'object' && parsed.files !== null ? parsed : undefined;
  } catch {
    return undefined; // missing, unreadable or corrupt: an empty cache
  }
}

/** Whether the cache folder is (or now is, once made) a real folder of its own, not a link. */
function ownFolder(folder: string): boolean {
  try {
    fs.mkdirSync(folder);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  const stat = fs.lstatSync(folder);
  return stat.isDirectory() && !stat.isSymbolicLink() && isInsideFolder(fs.realpathSync.native(folder), path.dirname(folder));
}

/** Writes a file that must not exist yet (never through a link); an existing one is kept. */
function writeNew(file: string, text: string): void {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | (fs.constants.O_NOFOLLOW ?? 0), 0o666);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST' && !file.endsWith('.tmp')) return;
    throw e;
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}
