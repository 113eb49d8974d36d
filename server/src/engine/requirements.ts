import { checkpoint } from './budget';
import { Range, rangeOf } from './types';

/** One requirement of a requirements file, with where it is written. */
export interface Requirement {
  name: string;
  /** The version specifier as written (`>=1.2,<2`), empty when there is none. */
  specifier: string;
  /** Pinned to one exact version (`==1.2.3` without wildcard, or `===`), or fixed by hashes. */
  pinned: boolean;
  /** A direct reference (`pkg @ https://...`, a VCS URL or a local path): pinned only if it names a commit or file. */
  url?: string;
  marker?: string;
  line: number;
  range: Range;
}

export interface RequirementsFile {
  requirements: Requirement[];
  /** Files named by `-r` / `--requirement` (and `-c` constraints), relative to this file. */
  includes: { path: string; constraint: boolean; line: number }[];
}

// The expressions below see one logical line each and are linear by construction: anchored, or
// without two quantifiers that could share the same characters (`\s*=?\s*` would try every split
// of a run of blanks between its two `\s*`, and an unanchored `\s+#` every start inside one).
const NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*/;
const INCLUDE = /^(-r|--requirement|-c|--constraint)\s*(?:=\s*)?(\S+)/;
const DIRECT = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*@\s*(\S+)/;
const HAS_COMMENT = /(^|\s)#/;

/** A physical line that pip continues with the next: it ends with a backslash (blanks after it
 *  allowed) and has no comment, whose backslash would be part of the comment. */
function continues(line: string): boolean {
  return line.trimEnd().endsWith('\\') && !HAS_COMMENT.test(line);
}

/** Where a line's comment starts: the first `#` at the start or after a blank; the line's length
 *  when there is none. */
export function commentStart(line: string): number {
  for (let at = line.indexOf('#'); at >= 0; at = line.indexOf('#', at + 1)) {
    if (at === 0 || /\s/.test(line[at - 1])) return at;
  }
  return line.length;
}

/** Parses a pip requirements file: comments, continuations, options, markers, hashes, includes. */
export function parseRequirements(text: string): RequirementsFile {
  const result: RequirementsFile = { requirements: [], includes: [] };
  const physical = text.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const startLine = i;
    checkpoint(physical[i].length + 1);
    // The parts of a continued line are joined once, at the end (pip joins them with a blank).
    const parts = [physical[i]];
    while (continues(parts[parts.length - 1]) && i + 1 < physical.length) {
      const last = parts.length - 1;
      parts[last] = parts[last].trimEnd().slice(0, -1);
      parts.push(physical[++i]);
      checkpoint(physical[i].length + 1);
    }
    const logical = parts.join(' ');
    const content = logical.slice(0, commentStart(logical)).trim();
    if (!content) continue;
    const include = INCLUDE.exec(content);
    if (include) {
      result.includes.push({ path: include[2], constraint: include[1].startsWith('-c') || include[1] === '--constraint', line: startLine });
      continue;
    }
    if (content.startsWith('-')) continue; // --index-url, -e ., --find-links ...
    const indent = physical[startLine].length - physical[startLine].trimStart().length;
    const hashed = /--hash[=\s]/.test(content);
    const [requirementPart, marker] = splitMarker(content.replace(/\s--hash[=\s]\S+/g, '').trim());
    const direct = DIRECT.exec(requirementPart);
    // A bare URL or path (`git+https://...#egg=name`) is tested first: its scheme would read as a name.
    const bareUrl = /^((git|hg|svn|bzr)\+|https?:|file:|\.{0,2}\/)/.test(requirementPart);
    const name = bareUrl ? null : NAME.exec(requirementPart);
    if (!name && !bareUrl) continue;
    const displayName = direct?.[1] ?? name?.[1] ?? /[#&]egg=([A-Za-z0-9._-]+)/.exec(requirementPart)?.[1] ?? requirementPart;
    const specifier = direct ? '' : name ? requirementPart.slice(name[0].length).trim() : '';
    const url = direct?.[3] ?? (name ? undefined : requirementPart);
    const exact = /^===?\s*[^,*\s]+$/.test(specifier) && !specifier.includes('*');
    const urlPinned = url !== undefined && (/@[0-9a-f]{7,40}\b/.test(url) || /\.(whl|tar\.gz|zip)$/.test(url));
    // The range ends before the first line's comment and its continuation backslash.
    const firstLine = physical[startLine];
    let end = firstLine.slice(0, commentStart(firstLine)).trimEnd();
    if (end.endsWith('\\')) end = end.slice(0, -1).trimEnd();
    result.requirements.push({
      name: displayName,
      specifier,
      pinned: exact || hashed || urlPinned,
      url,
      marker,
      line: startLine,
      range: rangeOf(startLine, indent, startLine, end.length),
    });
  }
  return result;
}

function splitMarker(text: string): [string, string | undefined] {
  const semicolon = text.indexOf(';');
  return semicolon < 0 ? [text.trim(), undefined] : [text.slice(0, semicolon).trim(), text.slice(semicolon + 1).trim()];
}
