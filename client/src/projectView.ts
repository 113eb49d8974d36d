// The "ML Hygiene" view in the Explorer: the ten practices of the project, each with its checks
// (pass / fail) and their findings. A practice opens its page, a check its rule page, a finding its
// place; a finding with a fix offers it inline. The server computes it all (`mlHygiene/projectChecks`).
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageclient/node';
import type { FIX_ALL_COMMAND } from '../../server/src/lsp/commands';
import type { PROJECT_CHECKS_REQUEST, ProjectChecks, ViewCheck, ViewFinding, ViewPractice } from '../../server/src/lsp/projectView';
import { reportFolder } from './report';
import { showPracticeDocumentation } from './ruleDocs';

// Typed by the server's constants (type-only imports keep the server's modules out of the client).
const PROJECT_CHECKS: typeof PROJECT_CHECKS_REQUEST = 'mlHygiene/projectChecks';
const SERVER_FIX_ALL: typeof FIX_ALL_COMMAND = 'ml-hygiene.server.fixAll';
export const VIEW_ID = 'mlHygiene.projectView';
/** Diagnostics arrive file by file after a change: the view is rebuilt once they settle. */
const REFRESH_DEBOUNCE_MS = 1_000;

type Node =
  | { kind: 'practice'; practice: ViewPractice }
  | { kind: 'check'; check: ViewCheck }
  | { kind: 'finding'; finding: ViewFinding; root: string };

const SEVERITY_ICONS = { error: 'error', warning: 'warning', information: 'info' } as const;

function findingLabel(finding: ViewFinding): string {
  const place = `${finding.path}${finding.cell !== undefined ? ` cell ${finding.cell + 1}` : ''}`;
  return finding.wholeProject ? 'the project' : `${place}:${finding.range.start.line + 1}`;
}

export class ProjectView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private checks: Promise<ProjectChecks | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];
  readonly view: vscode.TreeView<Node>;

  constructor(private readonly client: LanguageClient) {
    this.view = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions = [
      this.view,
      vscode.languages.onDidChangeDiagnostics(() => this.scheduleRefresh()),
      vscode.window.onDidChangeActiveTextEditor(() => this.scheduleRefresh()),
      vscode.commands.registerCommand('mlHygiene.refreshProjectView', () => this.refresh()),
      vscode.commands.registerCommand('mlHygiene.showPractice', (node?: Node | string) => {
        const practice = typeof node === 'string' ? node : node?.kind === 'practice' ? node.practice.practice : undefined;
        return practice && showPracticeDocumentation(practice as ViewPractice['practice']);
      }),
      vscode.commands.registerCommand('mlHygiene.applyFix', (node?: Node) => (node?.kind === 'finding' ? this.applyFix(node.finding) : false)),
      vscode.commands.registerCommand('mlHygiene.fixAllInWorkspace', (options?: { preview?: boolean }) => this.fixAll(options?.preview !== false)),
    ];
  }

  /** The checks as the view shows them now, for tests. */
  current(): Promise<ProjectChecks | undefined> {
    return (this.checks ??= this.fetch());
  }

  refresh(): void {
    this.checks = undefined;
    this.changed.fire(undefined);
  }

  private scheduleRefresh(): void {
    if (!this.view.visible) {
      this.checks = undefined; // fetched again when the view is shown
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), REFRESH_DEBOUNCE_MS);
  }

  private async fetch(): Promise<ProjectChecks | undefined> {
    const folder = reportFolder();
    if (!folder || !this.client.isRunning()) return undefined;
    try {
      return await this.client.sendRequest(PROJECT_CHECKS, { folder: folder.uri.toString() });
    } catch {
      return undefined; // the server may be restarting; the next change asks again
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const checks = await this.current();
      return (checks?.practices ?? []).filter((p) => p.checks.length > 0).map((practice) => ({ kind: 'practice', practice }));
    }
    if (node.kind === 'practice') return node.practice.checks.map((check) => ({ kind: 'check', check }));
    if (node.kind === 'check') {
      const root = (await this.current())?.root ?? '';
      return node.check.findings.map((finding) => ({ kind: 'finding', finding, root }));
    }
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'practice') {
      const { practice } = node;
      const failing = practice.checks.filter((c) => !c.passed).length;
      const item = new vscode.TreeItem(`${practice.practice} ${practice.title}`, failing ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.description = `${practice.score === undefined ? '' : `${Math.round(practice.score)}/100, `}${failing ? `${failing} of ${practice.checks.length} checks fail` : 'all checks pass'}`;
      item.contextValue = 'practice';
      item.iconPath = new vscode.ThemeIcon(failing ? 'circle-large-outline' : 'pass');
      item.tooltip = `${practice.practice} ${practice.title}: click to read the practice`;
      item.command = { title: 'Show Practice', command: 'mlHygiene.showPractice', arguments: [practice.practice] };
      return item;
    }
    if (node.kind === 'check') {
      const { check } = node;
      const item = new vscode.TreeItem(`${check.code} ${check.name}`, check.findings.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.description = check.passed ? 'pass' : `fail: ${check.findings.length} finding${check.findings.length === 1 ? '' : 's'}`;
      item.tooltip = `${check.summary}`;
      item.contextValue = 'check';
      const worst = check.findings.find((f) => f.severity === 'error') ?? check.findings.find((f) => f.severity === 'warning') ?? check.findings[0];
      item.iconPath = check.passed
        ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
        : new vscode.ThemeIcon(SEVERITY_ICONS[worst?.severity ?? 'warning']);
      item.command = { title: 'Show Rule Documentation', command: 'mlHygiene.showRuleDocumentation', arguments: [check.code] };
      return item;
    }
    const { finding, root } = node;
    const item = new vscode.TreeItem(finding.message, vscode.TreeItemCollapsibleState.None);
    item.description = findingLabel(finding);
    item.tooltip = new vscode.MarkdownString(`**${finding.code}** ${finding.message}\n\n${findingLabel(finding)}${finding.fix ? `\n\nFix: ${finding.fix.title}` : ''}`);
    item.iconPath = new vscode.ThemeIcon(SEVERITY_ICONS[finding.severity]);
    item.contextValue = finding.fix ? 'finding.fixable' : 'finding';
    if (!finding.wholeProject) {
      const location = { root, path: finding.path, line: finding.range.start.line, character: finding.range.start.character, cell: finding.cell };
      item.command = { title: 'Open Finding', command: 'mlHygiene.openFinding', arguments: [location] };
    }
    return item;
  }

  private async applyFix(finding: ViewFinding): Promise<boolean> {
    if (!finding.fix) return false;
    const edit = await this.client.protocol2CodeConverter.asWorkspaceEdit(finding.fix.edit);
    const applied = await vscode.workspace.applyEdit(edit);
    this.refresh();
    return applied;
  }

  /** Every fix of the project that edits text, shown in the refactor preview first (unless
   *  `preview` is false); returns whether it was applied. */
  private async fixAll(preview: boolean): Promise<boolean> {
    const folder = reportFolder();
    if (!folder) return false;
    const lspEdit: WorkspaceEdit = await this.client.sendRequest(ExecuteCommandRequest.type, { command: SERVER_FIX_ALL, arguments: [folder.uri.toString()] });
    const changes = (lspEdit.documentChanges ?? []).filter(TextDocumentEdit.is);
    if (changes.length === 0) {
      void vscode.window.showInformationMessage('ML Hygiene: no finding of this project has a fix that edits a file.');
      return false;
    }
    // Without the annotations that ask for confirmation, the edit applies at once.
    const plain = { documentChanges: changes.map((c) => ({ textDocument: c.textDocument, edits: c.edits.map((e) => ({ range: e.range, newText: e.newText })) })) };
    const edit = await this.client.protocol2CodeConverter.asWorkspaceEdit(preview ? lspEdit : plain);
    const applied = await vscode.workspace.applyEdit(edit);
    this.refresh();
    return applied;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.changed.dispose();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}
