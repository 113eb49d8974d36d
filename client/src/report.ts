// "ML Hygiene: Show Project Report": the server's hygiene report in a webview, scripts off, its
// findings linked (command URIs) to their place in the code.
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient } from 'vscode-languageclient/node';
import type { REPORT_COMMAND } from '../../server/src/lsp/commands';
import type { HygieneReport } from '../../server/src/report/score';
import { reportHtml } from '../../server/src/report/render';
import type { Finding } from '../../server/src/engine/types';

// Typed by the server's constant (a type-only import keeps the server's modules out of the client).
const SERVER_REPORT: typeof REPORT_COMMAND = 'ml-hygiene.server.report';
const OPEN_FINDING = 'mlHygiene.openFinding';

export interface ProjectReport {
  /** The project's folder (a file URI). */
  root: string;
  report: HygieneReport;
}

/** Where a report link leads: a file of the project, a line, and for notebooks the code cell. */
interface FindingLocation {
  root: string;
  path: string;
  line: number;
  character: number;
  cell?: number;
}

/** The workspace folder of the active editor or notebook, else the first one. */
export function reportFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeNotebookEditor?.notebook.uri ?? vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) || vscode.workspace.workspaceFolders?.[0];
}

export function fetchReport(client: LanguageClient, folder: vscode.WorkspaceFolder): Promise<ProjectReport> {
  return client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_REPORT, arguments: [folder.uri.toString()] });
}

async function openFinding(location: FindingLocation): Promise<void> {
  const uri = vscode.Uri.joinPath(vscode.Uri.parse(location.root), location.path);
  const position = new vscode.Position(location.line, location.character);
  const selection = new vscode.Range(position, position);
  if (location.cell === undefined) {
    await vscode.window.showTextDocument(uri, { selection });
    return;
  }
  // Notebook findings are placed in the cell's source: open the notebook, then that cell's editor.
  const notebook = await vscode.workspace.openNotebookDocument(uri);
  const cells = new vscode.NotebookRange(location.cell, location.cell + 1);
  await vscode.window.showNotebookDocument(notebook, { selections: [cells] });
  await vscode.window.showTextDocument(notebook.cellAt(location.cell).document, { selection });
}

function findingLink(root: string, finding: Finding): string {
  const location: FindingLocation = {
    root,
    path: finding.path,
    line: finding.range.start.line,
    character: finding.range.start.character,
    cell: finding.cell,
  };
  return `command:${OPEN_FINDING}?${encodeURIComponent(JSON.stringify([location]))}`;
}

/** The report panel: one at a time, rendered again each time the report is shown. */
export class ReportView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly client: LanguageClient) {
    this.subscriptions = [
      vscode.commands.registerCommand('mlHygiene.showReport', () => this.show()),
      vscode.commands.registerCommand(OPEN_FINDING, openFinding),
    ];
  }

  /** Opens (or refreshes) the panel; returns it, for tests. */
  async show(): Promise<vscode.WebviewPanel | undefined> {
    const folder = reportFolder();
    if (!folder) {
      void vscode.window.showInformationMessage('ML Hygiene: open a folder to see its report.');
      return undefined;
    }
    let project: ProjectReport;
    try {
      project = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'ML Hygiene report' }, () => fetchReport(this.client, folder));
    } catch (error) {
      void vscode.window.showErrorMessage(`ML Hygiene could not make the report: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('mlHygiene.report', 'ML Hygiene Report', vscode.ViewColumn.Active, {
        enableScripts: false,
        // Only the link to a finding may run a command.
        enableCommandUris: [OPEN_FINDING],
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.title = `ML Hygiene Report: ${folder.name}`;
    this.panel.webview.html = reportHtml(project.report, folder.name, (finding) => findingLink(project.root, finding));
    this.panel.reveal();
    return this.panel;
  }

  dispose(): void {
    this.panel?.dispose();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
