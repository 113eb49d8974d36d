// Commands the server executes for any LSP client (workspace/executeCommand): the TDSP scaffold as a
// workspace edit made only of file creations, and the project's hygiene report.
import * as path from 'path';
import { CreateFile, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver';
import { existsIn } from '../scaffold/apply';
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
export const SERVER_COMMANDS = [SCAFFOLD_COMMAND, REPORT_COMMAND];

export interface ScaffoldArguments {
  /** The folder to scaffold into (a file URI); created if missing. */
  target: string;
  name?: string;
  without?: ScaffoldPart[];
  /** Apply the edit through workspace/applyEdit instead of only returning it. */
  apply?: boolean;
}

export interface ScaffoldResult {
  edit: WorkspaceEdit;
  create: string[];
  skip: string[];
  applied?: boolean;
}

const PART_NAMES = new Set<string>(SCAFFOLD_PARTS.map((p) => p.part));

/** Validates the command's arguments; a message for the client when they are wrong. */
export function readScaffoldArguments(raw: unknown): ScaffoldArguments | string {
  const args = raw as Partial<ScaffoldArguments> | undefined;
  if (!args || typeof args.target !== 'string' || !uriToPath(args.target)) return 'scaffold needs { target: a file URI of the folder }';
  if (args.name !== undefined && typeof args.name !== 'string') return 'scaffold: name must be a string';
  const unknown = (args.without ?? []).filter((p) => !PART_NAMES.has(p));
  if (!Array.isArray(args.without ?? []) || unknown.length) return `scaffold: unknown parts ${unknown.join(', ')}; parts: ${[...PART_NAMES].join(', ')}`;
  return { target: args.target, name: args.name, without: args.without, apply: args.apply === true };
}

/** The scaffold of a folder as it is now on disk: file creations that never overwrite, each followed
 *  by the insertion of its content into the new (empty) file. */
export function scaffoldEdit(args: ScaffoldArguments): { plan: ScaffoldPlan; edit: WorkspaceEdit } {
  const root = uriToPath(args.target)!;
  const plan = planScaffold(existsIn(root), { name: args.name ?? path.basename(root), without: args.without });
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
  return { root: pathToUri(project.root), report: scoreProject(RULES, project.index(), findings) };
}
