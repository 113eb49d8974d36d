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

const NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*/;

/** Parses a pip requirements file: comments, continuations, options, markers, hashes, includes. */
export function parseRequirements(text: string): RequirementsFile {
  const result: RequirementsFile = { requirements: [], includes: [] };
  const physical = text.split(/\r?\n/);
  for (let i = 0; i < physical.length; i++) {
    const startLine = i;
    let logical = physical[i];
    // As pip reads it, a line with a comment is never continued: its backslash is part of the comment.
    while (/\\\s*$/.test(logical) && !/(^|\s)#/.test(logical) && i + 1 < physical.length) {
      logical = logical.replace(/\\\s*$/, ' ') + physical[++i];
    }
    const content = logical.replace(/(^|\s)#.*$/, '').trim();
    if (!content) continue;
    const include = /^(-r|--requirement|-c|--constraint)\s*=?\s*(\S+)/.exec(content);
    if (include) {
      result.includes.push({ path: include[2], constraint: include[1].startsWith('-c') || include[1] === '--constraint', line: startLine });
      continue;
    }
    if (content.startsWith('-')) continue; // --index-url, -e ., --find-links ...
    const indent = physical[startLine].length - physical[startLine].trimStart().length;
    const hashed = /--hash[=\s]/.test(content);
    const [requirementPart, marker] = splitMarker(content.replace(/\s--hash[=\s]\S+/g, '').trim());
    const direct = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*@\s*(\S+)/.exec(requirementPart);
    // A bare URL or path (`git+https://...#egg=name`) is tested first: its scheme would read as a name.
    const bareUrl = /^((git|hg|svn|bzr)\+|https?:|file:|\.{0,2}\/)/.test(requirementPart);
    const name = bareUrl ? null : NAME.exec(requirementPart);
    if (!name && !bareUrl) continue;
    const displayName = direct?.[1] ?? name?.[1] ?? /[#&]egg=([A-Za-z0-9._-]+)/.exec(requirementPart)?.[1] ?? requirementPart;
    const specifier = direct ? '' : name ? requirementPart.slice(name[0].length).trim() : '';
    const url = direct?.[3] ?? (name ? undefined : requirementPart);
    const exact = /^===?\s*[^,*\s]+$/.test(specifier) && !specifier.includes('*');
    const urlPinned = url !== undefined && (/@[0-9a-f]{7,40}\b/.test(url) || /\.(whl|tar\.gz|zip)$/.test(url));
    const firstLineText = physical[startLine].trimEnd();
    result.requirements.push({
      name: displayName,
      specifier,
      pinned: exact || hashed || urlPinned,
      url,
      marker,
      line: startLine,
      range: rangeOf(startLine, indent, startLine, firstLineText.replace(/\s+#.*$/, '').replace(/\s*\\$/, '').length),
    });
  }
  return result;
}

function splitMarker(text: string): [string, string | undefined] {
  const semicolon = text.indexOf(';');
  return semicolon < 0 ? [text.trim(), undefined] : [text.slice(0, semicolon).trim(), text.slice(semicolon + 1).trim()];
}
