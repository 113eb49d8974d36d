// The status bar item and the language status item: whether the server runs, the project's
// hygiene score and how many findings it reported; both open the report.
import * as vscode from 'vscode';
import { LanguageClient, State } from 'vscode-languageclient/node';
import { fetchReport, reportFolder } from './report';

/** The `source` of every diagnostic the server publishes. */
const DIAGNOSTIC_SOURCE = 'ml-hygiene';
/** Diagnostics arrive file by file after a change: score once they have settled. */
const SCORE_DEBOUNCE_MS = 1_000;

export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  /** Always in view, whatever file is open (the language status shows only for its languages). */
  private readonly bar: vscode.StatusBarItem;
  private readonly findingsByUri = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];
  private state: State = State.Stopped;
  private scoreTimer: NodeJS.Timeout | undefined;
  private scoring: Promise<void> | undefined;
  private rescore = false;
  /** The overall score of the report folder's project (0-100), once the server has computed one. */
  score: number | undefined;

  constructor(private readonly client: LanguageClient) {
    this.item = vscode.languages.createLanguageStatusItem('mlHygiene.status', [
      { language: 'python' },
      { language: 'yaml' },
      { notebookType: 'jupyter-notebook' },
    ]);
    this.item.name = 'ML Hygiene';
    this.bar = vscode.window.createStatusBarItem('mlHygiene.statusBar', vscode.StatusBarAlignment.Right, 100);
    this.bar.name = 'ML Hygiene';
    this.subscriptions = [
      client.onDidChangeState((e) => {
        this.state = e.newState;
        this.render();
        if (e.newState === State.Running) this.scheduleScore();
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        // Recount only the files that changed: the whole workspace can hold thousands of files.
        for (const uri of e.uris) this.countFindings(uri);
        this.render();
        this.scheduleScore();
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.scheduleScore()),
    ];
    for (const [uri] of vscode.languages.getDiagnostics()) this.countFindings(uri);
    this.render();
  }

  private countFindings(uri: vscode.Uri): void {
    const count = vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE).length;
    if (count === 0) this.findingsByUri.delete(uri.toString());
    else this.findingsByUri.set(uri.toString(), count);
  }

  private scheduleScore(): void {
    clearTimeout(this.scoreTimer);
    this.scoreTimer = setTimeout(() => this.updateScore(), SCORE_DEBOUNCE_MS);
  }

  /** One report request at a time; changes meanwhile ask for one more afterwards. */
  private updateScore(): void {
    if (this.scoring) {
      this.rescore = true;
      return;
    }
    const folder = reportFolder();
    if (this.state !== State.Running || !folder) return;
    this.scoring = fetchReport(this.client, folder)
      .then(
        ({ report }) => (this.score = report.overall === undefined ? undefined : Math.round(report.overall)),
        // The server may be restarting; the next change asks again.
        () => undefined,
      )
      .then(() => {
        this.scoring = undefined;
        this.render();
        if (this.rescore) {
          this.rescore = false;
          this.updateScore();
        }
      });
  }

  get findingCount(): number {
    let total = 0;
    for (const count of this.findingsByUri.values()) total += count;
    return total;
  }

  private get findingsText(): string {
    const count = this.findingCount;
    return count === 1 ? '1 finding' : `${count} findings`;
  }

  private render(): void {
    this.renderLanguageStatus();
    this.renderStatusBar();
  }

  private renderStatusBar(): void {
    const bar = this.bar;
    if (this.state === State.Running) {
      const findings = this.findingsText;
      bar.text = `$(beaker) ML Hygiene ${this.score === undefined ? '' : `${this.score}/100 · `}${findings}`;
      bar.tooltip = `${this.score === undefined ? '' : `Hygiene score of the project: ${this.score}/100. `}${findings} in the workspace. Click for the report.`;
      bar.command = 'mlHygiene.showReport';
      bar.backgroundColor = undefined;
    } else if (this.state === State.Starting) {
      bar.text = '$(loading~spin) ML Hygiene';
      bar.tooltip = 'ML Hygiene server starting';
      bar.command = undefined;
      bar.backgroundColor = undefined;
    } else {
      bar.text = '$(error) ML Hygiene';
      bar.tooltip = 'ML Hygiene server stopped (see the ML Hygiene output). Click to restart.';
      bar.command = 'mlHygiene.restartServer';
      bar.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    }
    bar.show();
  }

  private renderLanguageStatus(): void {
    const item = this.item;
    item.busy = this.state === State.Starting;
    if (this.state === State.Running) {
      item.severity = vscode.LanguageStatusSeverity.Information;
      const findings = this.findingsText;
      item.text = this.score === undefined ? `ML Hygiene: ${findings}` : `ML Hygiene ${this.score}/100, ${findings}`;
      item.detail = 'hygiene score of the project and its findings';
      item.command = { title: 'Show Report', command: 'mlHygiene.showReport' };
    } else if (this.state === State.Starting) {
      item.severity = vscode.LanguageStatusSeverity.Information;
      item.text = 'Starting';
      item.detail = 'ML Hygiene server starting';
      item.command = undefined;
    } else {
      item.severity = vscode.LanguageStatusSeverity.Error;
      item.text = 'Stopped';
      item.detail = 'ML Hygiene server stopped (see the ML Hygiene output)';
      item.command = { title: 'Restart', command: 'mlHygiene.restartServer' };
    }
  }

  /** What the language status item shows, for tests. */
  get text(): string {
    return this.item.text;
  }

  /** What the status bar item shows and runs, for tests. */
  get statusBar(): { text: string; command: string | undefined } {
    return { text: this.bar.text, command: typeof this.bar.command === 'string' ? this.bar.command : this.bar.command?.command };
  }

  dispose(): void {
    clearTimeout(this.scoreTimer);
    vscode.Disposable.from(this.item, this.bar, ...this.subscriptions).dispose();
  }
}
