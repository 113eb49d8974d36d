// Git's path patterns (.gitignore, .gitattributes), matched with the `ignore` library, which builds
// one regular expression per pattern. Git matches paths of at most 4096 bytes, so a longer pattern
// cannot match; its regular expression could be too large to build, so it is left out.
import ignore, { Ignore } from 'ignore';

export const MAX_PATTERN_LENGTH = 4096;

/** A matcher of one pattern; undefined when the pattern is too long to match a path. */
export function patternMatcher(pattern: string): Ignore | undefined {
  return pattern.length > MAX_PATTERN_LENGTH ? undefined : ignore().add(pattern);
}

/** Whether a pattern matches a path; false when it is too long to match one. */
export function patternMatches(pattern: string, path: string): boolean {
  return patternMatcher(pattern)?.ignores(path) ?? false;
}
