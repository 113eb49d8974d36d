// "ML Hygiene: Scaffold TDSP Project": asks where (a workspace folder, or a new folder typed in),
// under which name and with which parts, then applies the server's scaffold edit (file creations
// only, never an overwrite), opens a summary of what it created and skipped, and offers to open the
// folder or add it to the workspace.
import { promises as fsp } from 'fs';
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
/** Read-only summaries of scaffold runs, shown as Markdown documents. */
const SUMMARY_SCHEME = 'ml-hygiene-scaffold';

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
  /** The summary document that was opened. */
  summary: vscode.Uri;
}

function targetOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string') return vscode.Uri.parse(arg);
  return undefined;
}

/** The server writes only inside a workspace folder: said here in the editor's words. */
const OUTSIDE_WORKSPACE = 'ML Hygiene scaffolds only inside a workspace folder: open the folder (File > Open Folder) or add it to the workspace first.';

interface TargetItem extends vscode.QuickPickItem {
  folder?: vscode.Uri;
}

/** A typed path: absolute, or relative to the first workspace folder. */
function typedFolder(typed: string, base: vscode.Uri): vscode.Uri {
  return path.isAbsolute(typed) ? vscode.Uri.file(typed) : vscode.Uri.joinPath(base, typed);
}

/** A workspace folder, one chosen in the folder dialog, or a folder typed in (created later if missing). */
async function pickTarget(): Promise<vscode.Uri | undefined> {
  const workspaceFolders = vscode.workspace.workspaceFolders ?? [];
  if (!workspaceFolders.length) {
    void vscode.window.showInformationMessage(OUTSIDE_WORKSPACE);
    return undefined;
  }
  const base = workspaceFolders[0].uri;
  const browse: TargetItem = { label: '$(folder-opened) Choose a folder in the workspace...' };
  const fixed: TargetItem[] = [...workspaceFolders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f.uri })), browse];
  const quickPick = vscode.window.createQuickPick<TargetItem>();
  quickPick.title = TITLE;
  quickPick.placeholder = `A folder, or type the path of a new one (relative to ${workspaceFolders[0].name})`;
  quickPick.items = fixed;
  const typedItem = (typed: string): TargetItem => {
    const folder = typedFolder(typed, base);
    return { label: `$(new-folder) ${typed}`, description: folder.fsPath, detail: 'Scaffold in this folder (created if it does not exist)', folder, alwaysShow: true };
  };
  const picked = await new Promise<TargetItem | undefined>((resolve) => {
    quickPick.onDidChangeValue((value) => (quickPick.items = value.trim() ? [typedItem(value.trim()), ...fixed] : fixed));
    quickPick.onDidAccept(() => resolve(quickPick.selectedItems[0]));
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (!picked) return undefined;
  if (picked.folder) return picked.folder;
  const chosen = await vscode.window.showOpenDialog({
    title: TITLE,
    defaultUri: base,
    canSelectFolders: true,
    canSelectFiles: false,
    openLabel: 'Scaffold here',
  });
  return chosen?.[0];
}

/** Whether `target` lies inside its workspace folder once links are followed, as far as it exists. */
async function insideByRealPath(target: vscode.Uri, folder: vscode.WorkspaceFolder): Promise<boolean> {
  let existing = target.fsPath;
  for (;;) {
    try {
      const real = await fsp.realpath(existing);
      const root = await fsp.realpath(folder.uri.fsPath);
      const relative = path.relative(root, real);
      return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
    } catch {
      const parent = path.dirname(existing);
      if (parent === existing) return false;
      existing = parent;
    }
  }
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

/** The run in one line, for the notification. */
function summaryLine(name: string, result: ScaffoldResult): string {
  return `Scaffolded "${name}": ${result.create.length} created, ${result.skip.length} skipped; the summary lists them.`;
}

/** The run as a Markdown document: the folder, then every file created and skipped. */
function summaryDocument(name: string, target: vscode.Uri, result: ScaffoldResult): string {
  const { create: created, skip: skipped, blocked } = result;
  const behind = (file: string) => blocked.some((b) => file.startsWith(b.path + '/'));
  const item = (file: string) => `- ${file}`;
  const there = skipped.filter((file) => !behind(file));
  const hidden = skipped.filter(behind);
  return [
    `# Scaffolded "${name}"`,
    '',
    `In ${target.fsPath}`,
    '',
    `Start with ${CHARTER}: the text to write is marked [TO FILL: ...].`,
    '',
    `## Created (${created.length})`,
    '',
    ...(created.length ? created.map(item) : ['Nothing: every file of the layout was there already.']),
    '',
    `## Skipped: already there, left as they were (${there.length})`,
    '',
    ...(there.length ? there.map(item) : ['None.']),
    ...(blocked.length
      ? ['', `## Not written: behind a symbolic link or a file (${hidden.length})`, '', ...blocked.map((b) => `- ${b.path} is ${b.kind === 'link' ? 'a symbolic link' : 'a file'}`), ...hidden.map(item)]
      : []),
    '',
  ].join('\n');
}

/** Summaries by URI path, served read-only: closing one never asks to save it. */
class SummaryDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private runs = 0;

  add(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: SUMMARY_SCHEME, path: `/${++this.runs}/Scaffolded ${name.replace(/[\\/]/g, '-')}.md` });
    this.texts.set(uri.path, text);
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '# Scaffold summary\n\nThis summary is no longer available: run the scaffold again.\n';
  }
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
async function scaffold(client: LanguageClient, summaries: SummaryDocuments, options: ScaffoldOptions, prompt: boolean): Promise<ScaffoldOutcome | undefined> {
  const target = targetOf(options.target) ?? (await pickTarget());
  if (!target) return undefined;
  const workspaceFolder = vscode.workspace.getWorkspaceFolder(target);
  if (!workspaceFolder || !(await insideByRealPath(target, workspaceFolder))) throw new Error(OUTSIDE_WORKSPACE);
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
  await vscode.workspace.fs.createDirectory(target);

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

  const summary = summaries.add(name.trim(), summaryDocument(name.trim(), target, result));
  await vscode.window.showTextDocument(summary, { preview: false });
  void offerNextSteps(name.trim(), target, result);
  return { target, created: result.create, skipped: result.skip, summary };
}

/** Opening the folder (this window) or adding it to the workspace, unless it is a workspace folder. */
async function offerNextSteps(name: string, target: vscode.Uri, result: ScaffoldResult): Promise<void> {
  const isWorkspaceFolder = (vscode.workspace.workspaceFolders ?? []).some((f) => f.uri.toString() === target.toString());
  const openFolder = 'Open Folder';
  const addToWorkspace = 'Add to Workspace';
  const openCharter = 'Open Charter';
  const actions = isWorkspaceFolder ? [openCharter] : [openFolder, addToWorkspace, openCharter];
  const choice = await vscode.window.showInformationMessage(summaryLine(name, result), ...actions);
  if (choice === openFolder) await vscode.commands.executeCommand('vscode.openFolder', target);
  if (choice === addToWorkspace) {
    const count = vscode.workspace.workspaceFolders?.length ?? 0;
    vscode.workspace.updateWorkspaceFolders(count, 0, { uri: target });
  }
  if (choice === openCharter) await vscode.window.showTextDocument(vscode.Uri.joinPath(target, CHARTER));
}

export function registerScaffold(client: LanguageClient): vscode.Disposable {
  const summaries = new SummaryDocuments();
  const provider = vscode.workspace.registerTextDocumentContentProvider(SUMMARY_SCHEME, summaries);
  const command = vscode.commands.registerCommand('mlHygiene.scaffoldTdsp', async (arg?: unknown) => {
    // From the Explorer: the clicked folder's Uri; from tests and keybindings: ScaffoldOptions.
    const fromArguments = arg !== undefined && !(arg instanceof vscode.Uri);
    const options: ScaffoldOptions = fromArguments ? (arg as ScaffoldOptions) : { target: arg as vscode.Uri | undefined };
    try {
      return await scaffold(client, summaries, options, !fromArguments);
    } catch (error) {
      // The server's refusals (InvalidParams) name the argument at fault and why: shown as they are.
      void vscode.window.showErrorMessage(`Scaffolding failed: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  });
  return vscode.Disposable.from(provider, command);
}
