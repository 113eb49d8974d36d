// Code actions on our diagnostics: the rule's fix, "ignore for this line", "ignore in this file"
// and "show documentation".
import * as fs from 'fs';
import {
  ClientCapabilities,
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  CreateFile,
  Diagnostic,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { dataOf, DiagnosticData } from './diagnostics';
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

export class CodeActions {
  constructor(private readonly capabilities: ClientCapabilities) {}

  private get documentChanges(): boolean {
    return this.capabilities.workspace?.workspaceEdit?.documentChanges === true;
  }

  private get canCreateFiles(): boolean {
    return this.documentChanges && (this.capabilities.workspace?.workspaceEdit?.resourceOperations ?? []).includes('create');
  }

  private editOf(document: TextDocument, edits: TextEdit[], create: { uri: string; content: string }[] = []): WorkspaceEdit {
    if (!this.documentChanges) return { changes: edits.length ? { [document.uri]: edits } : {} };
    const changes: WorkspaceEdit['documentChanges'] = [];
    if (edits.length) changes.push(TextDocumentEdit.create({ uri: document.uri, version: document.version }, edits));
    for (const file of create) {
      changes.push(CreateFile.create(file.uri, { ignoreIfExists: true }));
      changes.push(TextDocumentEdit.create({ uri: file.uri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, file.content)]));
    }
    return { documentChanges: changes };
  }

  private fixAction(document: TextDocument, diagnostic: Diagnostic, fix: NonNullable<DiagnosticData['fix']>): CodeAction | undefined {
    // Never write into a file that exists: only missing files are created. A fix that needs files
    // the client cannot create is not offered half-done.
    const create = fix.create.filter((f) => !fileExists(f.uri));
    if ((create.length && !this.canCreateFiles) || (!create.length && !fix.edits.length)) return undefined;
    return {
      title: fix.title,
      kind: CodeActionKind.QuickFix,
      isPreferred: true,
      diagnostics: [diagnostic],
      edit: this.editOf(document, fix.edits, create),
    };
  }

  actions(params: CodeActionParams, document: TextDocument): CodeAction[] {
    const only = params.context.only;
    if (only && !only.some((kind) => CodeActionKind.QuickFix === kind || CodeActionKind.QuickFix.startsWith(kind + '.'))) return [];
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
          add(others, { title: `Ignore ${code} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: this.editOf(document, [lineEdit]) });
        }
        const fileEdit = ignoreFileEdit(document, code);
        if (fileEdit) {
          add(others, { title: `Ignore ${code} in this file`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: this.editOf(document, [fileEdit]) });
        }
      }
      const title = `Show documentation for ${code}`;
      add(others, { title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: SHOW_DOCUMENTATION_COMMAND, arguments: [code] } });
    }
    return [...fixes, ...others];
  }
}

function fileExists(uri: string): boolean {
  const fsPath = uriToPath(uri);
  return fsPath !== undefined && fs.existsSync(fsPath);
}
