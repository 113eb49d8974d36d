// Code actions on our diagnostics: the rule's fix, "ignore for this line", "ignore in this file",
// "disable for this folder / project" and "show documentation"; and fix all in a file
// (`source.fixAll.mlHygiene`, for `editor.codeActionsOnSave`).
import * as fs from 'fs';
import {
  ClientCapabilities,
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  CreateFile,
  Diagnostic,
  RenameFile,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { compatibleEdits } from '../engine/fixes';
import { dataOf, DiagnosticData, PlacedFinding } from './diagnostics';
import { uriToPath } from './uri';

export const SHOW_DOCUMENTATION_COMMAND = 'mlHygiene.showRuleDocumentation';

/** File kinds whose comments the engine reads as suppressions. */
const COMMENTABLE = new Set(['python', 'yaml', 'requirements']);

// `# noqa` alone silences everything; `# noqa: A1, MLH101` lists codes.
const NOQA = /#\s*noqa(?::[ \t]*([A-Z]+[0-9]+(?:[ \t]*,?[ \t]*[A-Z]+[0-9]+)*))?/i;
const LINE_IGNORE = /#\s*ml-hygiene:\s*ignore(?!-file)(?:\[([^\]]*)\])?/i;
const FILE_IGNORE = /#\s*ml-hygiene:\s*ignore-file(?:\[([^\]]*)\])?/i;
// PEP 263: an encoding declaration on the first or second line.
const ENCODING_LINE = /^[ \t\f]*#.*?coding[:=][ \t]*[-\w.]+/;

function lineOf(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/\r?\n$/, '');
}

function listed(list: string, code: string): boolean {
  return list.toUpperCase().split(/[\s,]+/).includes(code);
}

/** Adds `code` to a suppression comment already on the line, or appends `# noqa: code`. Undefined
 *  when the line already silences the code. */
export function ignoreLineEdit(document: TextDocument, line: number, code: string): TextEdit | undefined {
  const text = lineOf(document, line);
  for (const pattern of [NOQA, LINE_IGNORE]) {
    const match = pattern.exec(text);
    if (!match) continue;
    const list = match[1];
    if (list === undefined || list.trim() === '' || listed(list, code)) return undefined; // already silenced
    const at = pattern === NOQA ? match.index + match[0].length : match.index + match[0].length - 1; // before `]`
    return TextEdit.insert({ line, character: at }, `, ${code}`);
  }
  const end = text.trimEnd().length;
  return TextEdit.replace({ start: { line, character: end }, end: { line, character: text.length } }, `${end ? '  ' : ''}# noqa: ${code}`);
}

/** Adds `code` to the file's ignore-file comment, or inserts one at the top: after a shebang, an
 *  encoding line, or a notebook cell's `%%magic` line, which must stay first. */
export function ignoreFileEdit(document: TextDocument, code: string): TextEdit | undefined {
  for (let line = 0; line < document.lineCount; line++) {
    const text = lineOf(document, line);
    const match = FILE_IGNORE.exec(text);
    if (!match) continue;
    if (match[1] === undefined || match[1].trim() === '' || listed(match[1], code)) return undefined;
    return TextEdit.insert({ line, character: match.index + match[0].length - 1 }, `, ${code}`);
  }
  let line = 0;
  if (document.lineCount > 0 && /^(#!|%%)/.test(lineOf(document, 0))) line = 1;
  if (line < document.lineCount && ENCODING_LINE.test(lineOf(document, line)) && line < 2) line++;
  const comment = `# ml-hygiene: ignore-file[${code}]`;
  if (line >= document.lineCount || (line > 0 && !document.getText().includes('\n'))) {
    return TextEdit.insert(document.positionAt(document.getText().length), `\n${comment}`);
  }
  return TextEdit.insert({ line, character: 0 }, `${comment}\n`);
}

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.mlHygiene`;

/** Edits that turn a rule off, as the server can make them for a document's project. */
export interface DisableEdits {
  /** In the project's configuration (created when there is none). */
  project?: WorkspaceEdit;
  /** For the files under the document's folder (`perFileIgnores`). */
  folder?: { glob: string; edit: WorkspaceEdit };
}

/** Whether a client asking for `only` these kinds wants actions of `kind`. */
function wanted(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
}

export class CodeActions {
  constructor(private readonly capabilities: ClientCapabilities) {}

  private get documentChanges(): boolean {
    return this.capabilities.workspace?.workspaceEdit?.documentChanges === true;
  }

  get canCreateFiles(): boolean {
    return this.documentChanges && (this.capabilities.workspace?.workspaceEdit?.resourceOperations ?? []).includes('create');
  }

  private get canRenameFiles(): boolean {
    return this.documentChanges && (this.capabilities.workspace?.workspaceEdit?.resourceOperations ?? []).includes('rename');
  }

  /** Edits of one document (`version` null for a file that is not open), files to create, and a
   *  file to rename, as the client takes them. */
  fileEdit(
    uri: string,
    version: number | null,
    edits: TextEdit[],
    create: { uri: string; content: string }[] = [],
    rename?: { oldUri: string; newUri: string },
  ): WorkspaceEdit | undefined {
    if ((create.length && !this.canCreateFiles) || (rename && !this.canRenameFiles)) return undefined;
    if (!this.documentChanges) return { changes: edits.length ? { [uri]: edits } : {} };
    const changes: WorkspaceEdit['documentChanges'] = [];
    if (edits.length) changes.push(TextDocumentEdit.create({ uri, version }, edits));
    for (const file of create) {
      changes.push(CreateFile.create(file.uri, { ignoreIfExists: true }));
      changes.push(TextDocumentEdit.create({ uri: file.uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, file.content)]));
    }
    if (rename) changes.push(RenameFile.create(rename.oldUri, rename.newUri, { ignoreIfExists: true }));
    return { documentChanges: changes };
  }

  /** The whole text of a document replaced by `newText`. */
  replacement(uri: string, version: number | null, oldText: string, newText: string): WorkspaceEdit | undefined {
    const lines = oldText.split(/\r\n|\r|\n/);
    const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
    return this.fileEdit(uri, version, [TextEdit.replace({ start: { line: 0, character: 0 }, end }, newText)]);
  }

  /** The edit of a finding's fix in a document, when the client can make it whole. Only missing files
   *  are created: a fix never writes into a file that exists. */
  fixEdit(uri: string, version: number | null, fix: NonNullable<DiagnosticData['fix']>): WorkspaceEdit | undefined {
    const create = fix.create.filter((f) => !fileExists(f.uri));
    const rename = fix.rename && !fileExists(fix.rename.newUri) ? fix.rename : undefined;
    if (!create.length && !fix.edits.length && !rename) return undefined;
    return this.fileEdit(uri, version, fix.edits, create, rename);
  }

  private fixAction(document: TextDocument, diagnostic: Diagnostic, fix: NonNullable<DiagnosticData['fix']>): CodeAction | undefined {
    const edit = this.fixEdit(document.uri, document.version, fix);
    return edit && { title: fix.title, kind: CodeActionKind.QuickFix, isPreferred: true, diagnostics: [diagnostic], edit };
  }

  /** One action that makes every fix of the document that is an edit of its text (what
   *  `editor.codeActionsOnSave` runs for `source.fixAll`). */
  private fixAllAction(document: TextDocument, placed: PlacedFinding[]): CodeAction | undefined {
    const fixes = placed.flatMap((p) => (p.data.fix && p.data.fix.create.length === 0 && !p.data.fix.rename ? [p.data.fix.edits] : []));
    const edits = compatibleEdits(fixes);
    if (edits.length === 0) return undefined;
    const edit = this.fileEdit(document.uri, document.version, edits);
    return edit && { title: 'Fix all auto-fixable ML Hygiene findings', kind: FIX_ALL_KIND, edit };
  }

  actions(params: CodeActionParams, document: TextDocument, placed: PlacedFinding[], disable: (code: string) => DisableEdits): CodeAction[] {
    const only = params.context.only;
    const fixAll = wanted(only, FIX_ALL_KIND) ? this.fixAllAction(document, placed) : undefined;
    if (!wanted(only, CodeActionKind.QuickFix)) return fixAll ? [fixAll] : [];
    const fixes: CodeAction[] = [];
    const others: CodeAction[] = [];
    const titles = new Set<string>();
    const add = (list: CodeAction[], action: CodeAction | undefined) => {
      if (!action || titles.has(action.title)) return;
      titles.add(action.title);
      list.push(action);
    };
    for (const diagnostic of params.context.diagnostics) {
      const data = dataOf(diagnostic);
      if (!data) continue;
      const code = String(diagnostic.code);
      if (data.fix) add(fixes, this.fixAction(document, diagnostic, data.fix));
      if (!data.project && COMMENTABLE.has(data.fileKind)) {
        const lineEdit = ignoreLineEdit(document, diagnostic.range.start.line, code);
        if (lineEdit) {
          add(others, { title: `Ignore ${code} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: this.fileEdit(document.uri, document.version, [lineEdit]) });
        }
        const fileEdit = ignoreFileEdit(document, code);
        if (fileEdit) {
          add(others, { title: `Ignore ${code} in this file`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: this.fileEdit(document.uri, document.version, [fileEdit]) });
        }
      }
      const off = disable(code);
      if (off.folder) add(others, { title: `Disable ${code} for ${off.folder.glob}`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: off.folder.edit });
      if (off.project) add(others, { title: `Disable ${code} for this project`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: off.project });
      const title = `Show documentation for ${code}`;
      add(others, { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: SHOW_DOCUMENTATION_COMMAND, arguments: [code] } });
    }
    return [...fixes, ...(fixAll && fixes.length > 1 ? [fixAll] : []), ...others];
  }
}

function fileExists(uri: string): boolean {
  const fsPath = uriToPath(uri);
  return fsPath !== undefined && fs.existsSync(fsPath);
}
