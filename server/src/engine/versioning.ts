// Which of the project's files are versioned outside git proper: stored through Git LFS (by
// .gitattributes) or produced and tracked by DVC (*.dvc files, dvc.yaml, dvc.lock). Read from the
// documents of the project index.
import { patternMatcher } from './gitPatterns';
import { ProjectFile, ProjectIndex } from './project';
import { folderOf } from './folders';
import { yamlValue } from './yaml';


function join(folder: string, rel: string): string {
  const parts = (folder ? `${folder}/${rel}` : rel).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part && part !== '.') out.push(part);
  }
  return out.join('/');
}

interface AttributeRule {
  folder: string;
  pattern: string;
  lfs: boolean;
}

/** A test for "Git LFS stores this file": the `filter=lfs` lines of every .gitattributes, deeper
 *  files and later lines winning, as in git. */
export function lfsMatcher(documents: Map<string, string>): (path: string) => boolean {
  const rules: AttributeRule[] = [];
  const files = [...documents.keys()].filter((p) => /(^|\/)\.gitattributes$/.test(p)).sort((a, b) => a.split('/').length - b.split('/').length);
  for (const file of files) {
    for (const line of documents.get(file)!.split(/\r?\n/)) {
      const [pattern, ...attributes] = line.trim().split(/\s+/);
      if (!pattern || pattern.startsWith('#') || pattern.startsWith('!')) continue;
      for (const attribute of attributes) {
        if (attribute === 'filter=lfs') rules.push({ folder: folderOf(file), pattern, lfs: true });
        else if (attribute === '-filter' || attribute === '!filter' || (attribute.startsWith('filter=') && attribute !== 'filter=lfs')) {
          rules.push({ folder: folderOf(file), pattern, lfs: false });
        }
      }
    }
  }
  if (rules.length === 0) return () => false;
  const matchers = rules.flatMap((r) => {
    const matcher = patternMatcher(r.pattern);
    return matcher ? [{ ...r, matcher }] : [];
  });
  return (path) => {
    let lfs = false;
    for (const rule of matchers) {
      if (rule.folder && !path.startsWith(rule.folder + '/')) continue;
      const local = rule.folder ? path.slice(rule.folder.length + 1) : path;
      if (rule.matcher.ignores(local)) lfs = rule.lfs;
    }
    return lfs;
  };
}

/** Output paths of a list of DVC outs (`- data.csv` or `- data.csv: {cache: false}` or `- path: x`). */
function outPaths(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    if (typeof item === 'string') return [item];
    if (item && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      if (typeof record.path === 'string') return [record.path];
      return Object.keys(record);
    }
    return [];
  });
}

/** Paths (files or folders) that DVC tracks or produces, relative to the project root. Templated
 *  paths (`${item}`) are left out. */
export function dvcOutputs(documents: Map<string, string>): string[] {
  const outputs: string[] = [];
  for (const [path, text] of documents) {
    const folder = folderOf(path);
    if (/\.dvc$/.test(path)) {
      const data = yamlValue(text) as { outs?: unknown } | undefined;
      for (const out of outPaths(data?.outs)) outputs.push(join(folder, out));
    } else if (/(^|\/)dvc\.(ya?ml|lock)$/.test(path)) {
      const data = yamlValue(text) as { stages?: Record<string, unknown> } | undefined;
      for (const stage of Object.values(data?.stages ?? {})) {
        if (!stage || typeof stage !== 'object') continue;
        const s = stage as Record<string, unknown>;
        const base = typeof s.wdir === 'string' ? join(folder, s.wdir) : folder;
        for (const out of [...outPaths(s.outs), ...outPaths(s.metrics), ...outPaths(s.plots)]) {
          if (!out.includes('${')) outputs.push(join(base, out));
        }
      }
    }
  }
  return outputs;
}

/** A test for "DVC tracks this file" (the file itself or a folder above it is a DVC output). */
export function dvcMatcher(documents: Map<string, string>): (path: string) => boolean {
  const outputs = new Set(dvcOutputs(documents));
  return (path) => {
    for (let p = path; p; p = folderOf(p)) if (outputs.has(p)) return true;
    return false;
  };
}

/** The files git has (or, without a repository, that .gitignore lets through) and that neither LFS
 *  nor DVC stores; `fromGit` says which of the two the answer is. */
export function filesInGitProper(project: ProjectIndex): { files: ProjectFile[]; fromGit: boolean } {
  const lfs = lfsMatcher(project.documents);
  const dvc = dvcMatcher(project.documents);
  const fromGit = project.tracked !== undefined;
  const files = project.files.filter((f) => (!fromGit || project.isTracked(f.path)) && !lfs(f.path) && !dvc(f.path));
  return { files, fromGit };
}
