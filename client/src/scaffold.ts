// "ML Hygiene: Scaffold TDSP Project": asks where, under which name and with which parts, then
// applies the server's scaffold edit (file creations only, never an overwrite) and sums it up.
import * as path from 'path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';
import type { SCAFFOLD_COMMAND, ScaffoldResult } from '../../server/src/lsp/commands';
import { NAME_MAX_CHARS } from '../../server/src/scaffold/plan';
import { SCAFFOLD_PARTS } from '../../server/src/scaffold/tdsp';
import type { ScaffoldPart } from '../../server/src/scaffold/template';

// Typed by the server's constant (a type-only import keeps the server's modules out of the client).
const SERVER_SCAFFOLD: typeof SCAFFOLD_COMMAND = 'ml-hygiene.server.scaffoldTdsp';
const CHARTER = 'Docs/Project/Charter.md';
const TITLE = 'ML Hygiene: Scaffold TDSP Project';
/** Skipped files named in the summary; the rest are counted. */
const SKIPPED_LISTED = 8;

/** What tests and keybindings may pass to skip the prompts. */
export interface ScaffoldOptions {
  /** The folder: a Uri or a file URI string. */
  target?: vscode.Uri | string;
  name?: string;
  without?: ScaffoldPart[];
}

export interface ScaffoldOutcome {
  target: vscode.Uri;
  created: string[];
  skipped: string[];
}

function targetOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  return undefined;
}

/** The server writes only inside a workspace folder: said here in the editor's words. */
const OUTSIDE_WORKSPACE = 'ML Hygiene scaffolds only inside a workspace folder: open the folder (File > Open Folder) or add it to the workspace first.';

async function pickTarget(): Promise<vscode.Uri | undefined> {
  const workspaceFolders = vscode.workspace.workspaceFolders ?? [];
  if (!workspaceFolders.length) {
    void vscode.window.showInformationMessage(OUTSIDE_WORKSPACE);
    return undefined;
  }
  const browse = { label: '$(folder-opened) Choose a folder in the workspace...', folder: undefined };
  const folders = workspaceFolders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f.uri }));
  const picked = await vscode.window.showQuickPick([...folders, browse], { title: TITLE, placeHolder: 'Folder to scaffold into' });
  if (!picked) return undefined;
  if (picked.folder) return picked.folder;
  const chosen = await vscode.window.showOpenDialog({
    title: TITLE,
    defaultUri: workspaceFolders[0].uri,
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Scaffold here',
  });
  return chosen?.[0];
}

/** The parts the user leaves out; undefined when the pick was cancelled. */
async function pickWithout(): Promise<ScaffoldPart[] | undefined> {
  const items = SCAFFOLD_PARTS.map((p) => ({ label: p.label, detail: p.detail, part: p.part, picked: true }));
  const picked = await vscode.window.showQuickPick(items, {
    title: TITLE,
    placeHolder: 'The TDSP layout is always created; choose the ML-engineering basics to add',
    canPickMany: true,
  });
  if (!picked) return undefined;
  const kept = new Set(picked.map((p) => p.part));
  return SCAFFOLD_PARTS.filter((p) => !kept.has(p.part)).map((p) => p.part);
}

/** Writing needs the user's consent in a workspace they have not trusted. */
async function confirmedInUntrusted(target: vscode.Uri): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const write = 'Create Files';
  const answer = await vscode.window.showWarningMessage(
    `This workspace is not trusted. Scaffolding creates files in ${target.fsPath} (it never changes an existing one). Continue?`,
    { modal: true },
    write,
  );
  return answer === write;
}

function summary(name: string, result: ScaffoldResult): string {
  const { create: created, skip: skipped, blocked } = result;
  const behind = (file: string) => blocked.some((b) => file.startsWith(b.path + '/'));
  const there = skipped.filter((file) => !behind(file));
  const listed = there.slice(0, SKIPPED_LISTED).join(', ');
  const more = there.length > SKIPPED_LISTED ? ` and ${there.length - SKIPPED_LISTED} more` : '';
  const reasons = [
    ...(there.length ? [`already there: ${listed}${more}`] : []),
    ...(blocked.length ? [`not written through ${blocked.map((b) => `${b.path} (${b.kind === 'link' ? 'a symbolic link' : 'a file'})`).join(', ')}`] : []),
  ];
  return `Scaffolded "${name}": ${created.length} created, ${skipped.length} skipped${reasons.length ? ` (${reasons.join('; ')})` : ''}.`;
}

async function filesThatExist(folder: vscode.Uri, files: string[]): Promise<string[]> {
  const exists = await Promise.all(files.map((file) => vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, file)).then(() => true, () => false)));
  return files.filter((_, i) => exists[i]);
}

function nameProblem(name: string): string | undefined {
  if (!name.trim()) return 'The project needs a name';
  if ([...name.trim()].length > NAME_MAX_CHARS) return `At most ${NAME_MAX_CHARS} characters`;
  return undefined;
}

/** `prompt`: ask for what `options` leaves open; else take the folder's name and every part. */
async function scaffold(client: LanguageClient, options: ScaffoldOptions, prompt: boolean): Promise<ScaffoldOutcome | undefined> {
  const target = targetOf(options.target) ?? (await pickTarget());
  if (!target) return undefined;
  if (!vscode.workspace.getWorkspaceFolder(target)) throw new Error(OUTSIDE_WORKSPACE);
  const folderName = path.basename(target.fsPath);
  const name =
    options.name ??
    (prompt
      ? await vscode.window.showInputBox({ title: TITLE, prompt: 'Project name', value: folderName, validateInput: nameProblem })
      : folderName);
  if (name === undefined || name.trim() === '') return undefined;
  const without = options.without ?? (prompt ? await pickWithout() : []);
  if (!without) return undefined;
  if (!(await confirmedInUntrusted(target))) return undefined;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Scaffolding ${name}` },
    async (progress) => {
      progress.report({ message: 'planning' });
      const planned: ScaffoldResult = await client.sendRequest(ExecuteCommandRequest.type, {
        command: SERVER_SCAFFOLD,
        arguments: [{ target: target.toString(), name: name.trim(), without }],
      });
      progress.report({ message: `creating ${planned.create.length} files` });
      // Each creation comes with the insertion of its content: a file that appeared since the plan
      // was made would get that text prepended, so write nothing then.
      const appeared = await filesThatExist(target, planned.create);
      if (appeared.length) throw new Error(`files appeared while planning (${appeared.join(', ')}); run the scaffold again`);
      const edit = await client.protocol2CodeConverter.asWorkspaceEdit(planned.edit);
      if (planned.create.length && !(await vscode.workspace.applyEdit(edit))) throw new Error(`the scaffold edit for ${target.fsPath} was not applied`);
      // Saved at once: the files are meant to exist on disk, not as unsaved editors.
      const createdPaths = new Set(planned.create.map((file) => vscode.Uri.joinPath(target, file).fsPath));
      await Promise.all(vscode.workspace.textDocuments.filter((d) => d.isDirty && createdPaths.has(d.uri.fsPath)).map((d) => d.save()));
      return planned;
    },
  );

  const created = result.create;
  const openCharter = 'Open Charter';
  void vscode.window.showInformationMessage(summary(name.trim(), result), openCharter).then(async (choice) => {
    if (choice === openCharter) await vscode.window.showTextDocument(vscode.Uri.joinPath(target, CHARTER));
  });
  return { target, created, skipped: result.skip };
}

export function registerScaffold(client: LanguageClient): vscode.Disposable {
  return vscode.commands.registerCommand('mlHygiene.scaffoldTdsp', async (arg?: unknown) => {
    // From the Explorer: the clicked folder's Uri; from tests and keybindings: ScaffoldOptions.
    const fromArguments = arg !== undefined && !(arg instanceof vscode.Uri);
    const options: ScaffoldOptions = fromArguments ? (arg as ScaffoldOptions) : { target: arg as vscode.Uri | undefined };
    try {
      return await scaffold(client, options, !fromArguments);
    } catch (error) {
      // The server's refusals (InvalidParams) name the argument at fault and why: shown as they are.
      void vscode.window.showErrorMessage(`Scaffolding failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  });
}
