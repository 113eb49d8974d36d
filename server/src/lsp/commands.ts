// Commands the server executes for any LSP client (workspace/executeCommand): the TDSP scaffold as a
// workspace edit made only of file creations, and the project's hygiene report. Their arguments come
// from anywhere: each is checked, and a wrong one is an InvalidParams error that names it.
import * as fs from 'fs';
import * as path from 'path';
import { CreateFile, ErrorCodes, ResponseError, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import { isInsideFolder } from '../engine/workspace';
import { obstaclesIn } from '../scaffold/apply';
import { planScaffold, ScaffoldPlan } from '../scaffold/plan';
import { SCAFFOLD_PARTS } from '../scaffold/tdsp';
import { ScaffoldPart } from '../scaffold/template';
import { HygieneReport, scoreProject } from '../report/score';
import { RULES } from '../rules';
import { Project } from './project';
import { pathToUri, uriToPath } from './uri';

// Named apart from the extension's own commands: a client registers server commands by these ids.
export const SCAFFOLD_COMMAND = 'ml-hygiene.server.scaffoldTdsp';
export const REPORT_COMMAND = 'ml-hygiene.server.report';
/** Every fix of a project that edits text, as one workspace edit to confirm (a preview). */
export const FIX_ALL_COMMAND = 'ml-hygiene.server.fixAll';
export const SERVER_COMMANDS = [SCAFFOLD_COMMAND, REPORT_COMMAND, FIX_ALL_COMMAND];

export interface ScaffoldArguments {
  /** The folder to scaffold into (a file URI inside a workspace folder); created if missing. */
  target: string;
  name?: string;
  without?: ScaffoldPart[];
  /** Apply the edit through workspace/applyEdit instead of only returning it. */
  apply?: boolean;
}

export interface ScaffoldResult {
  edit: WorkspaceEdit;
  create: string[];
  /** Files not created: there already (never overwritten), or behind what `blocked` lists. */
  skip: string[];
  /** Symbolic links (never written through) and files where the template has a folder. */
  blocked: ScaffoldPlan['blocked'];
  applied?: boolean;
}

const PART_NAMES = new Set<string>(SCAFFOLD_PARTS.map((p) => p.part));
/** Arguments are quoted in errors up to this length. */
const QUOTED_MAX_CHARS = 80;

function invalid(argument: string, problem: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${argument}: ${problem}`);
}

function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return `'${text.length > QUOTED_MAX_CHARS ? `${text.slice(0, QUOTED_MAX_CHARS)}...` : text}'`;
}

/** The real path of a path that may not exist yet: the nearest existing folder on its way, resolved,
 *  with the rest of the path. Undefined when what exists on the way is not a folder. */
function realPathAhead(fsPath: string): string | undefined {
  const rest: string[] = [];
  for (let at = fsPath; ; at = path.dirname(at)) {
    try {
      const real = fs.realpathSync.native(at);
      return fs.statSync(real).isDirectory() ? path.join(real, ...rest.reverse()) : undefined;
    } catch {
      if (path.dirname(at) === at) return undefined;
      rest.push(path.basename(at));
    }
  }
}

/** A folder argument: a file URI whose real path lies inside one of `workspaceRoots`. */
export function readFolderArgument(argument: string, value: unknown, workspaceRoots: string[]): string {
  const fsPath = typeof value === 'string' ? uriToPath(value) : undefined;
  if (fsPath === undefined) throw invalid(argument, `must be a file URI of a folder (file:///...), got ${quoted(value)}`);
  const real = realPathAhead(fsPath);
  if (real === undefined) throw invalid(argument, `${quoted(value)} is not a folder`);
  const inside = workspaceRoots.some((root) => {
    try {
      return isInsideFolder(real, fs.realpathSync.native(root));
    } catch {
      return false;
    }
  });
  if (!inside) throw invalid(argument, `${quoted(value)} is not inside a workspace folder; the command works only inside one`);
  return fsPath;
}

/** Checks the scaffold command's argument (`{ target, name?, without?, apply? }`); throws an
 *  InvalidParams error that names the wrong argument. */
export function readScaffoldArguments(raw: unknown, workspaceRoots: string[]): ScaffoldArguments {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalid('arguments[0]', `must be an object { target, name?, without?, apply? }, got ${quoted(raw)}`);
  }
  const args = raw as Record<string, unknown>;
  readFolderArgument('target', args.target, workspaceRoots);
  if (args.name !== undefined && typeof args.name !== 'string') throw invalid('name', `must be a string, got ${quoted(args.name)}`);
  if (args.without !== undefined && (!Array.isArray(args.without) || !args.without.every((p) => typeof p === 'string'))) {
    throw invalid('without', `must be a list of part names, got ${quoted(args.without)}`);
  }
  const unknown = ((args.without ?? []) as string[]).filter((p) => !PART_NAMES.has(p));
  if (unknown.length) throw invalid('without', `unknown parts ${unknown.join(', ')}; parts: ${[...PART_NAMES].join(', ')}`);
  if (args.apply !== undefined && typeof args.apply !== 'boolean') throw invalid('apply', `must be true or false, got ${quoted(args.apply)}`);
  return { target: args.target as string, name: args.name as string | undefined, without: args.without as ScaffoldPart[] | undefined, apply: args.apply === true };
}

/** The report command's argument: undefined (the first workspace folder) or a folder inside one. */
export function readReportFolder(raw: unknown, workspaceRoots: string[]): string | undefined {
  return raw === undefined || raw === null ? undefined : readFolderArgument('arguments[0]', raw, workspaceRoots);
}

/** The scaffold of a folder as it is now on disk: file creations that never overwrite, each followed
 *  by the insertion of its content into the new (empty) file; nothing behind a symbolic link. Throws
 *  InvalidParams when the plan cannot be written (a name too long, ...). */
export function scaffoldEdit(args: ScaffoldArguments): { plan: ScaffoldPlan; edit: WorkspaceEdit } {
  const root = uriToPath(args.target)!;
  const plan = planScaffold(obstaclesIn(root), { name: args.name ?? path.basename(root), without: args.without, root });
  if (plan.problems.length) {
    throw new ResponseError(ErrorCodes.InvalidParams, plan.problems.map((p) => `${p.about}: ${p.message}`).join('; '));
  }
  const documentChanges: (CreateFile | TextDocumentEdit)[] = [];
  for (const file of plan.create) {
    const uri = pathToUri(path.join(root, file.path));
    documentChanges.push(CreateFile.create(uri, { ignoreIfExists: true }));
    if (file.content) {
      documentChanges.push(
        TextDocumentEdit.create({ uri, version: null }, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: file.content }]),
      );
    }
  }
  return { plan, edit: { documentChanges } };
}

/** The hygiene report of a project from its current findings (paths relative to `root`). */
export function projectReport(project: Project): { root: string; report: HygieneReport } {
  const findings = [...project.findingsByPath().values()].flat();
  return { root: pathToUri(project.root), report: scoreProject(RULES, project.config, project.index(), findings) };
}
