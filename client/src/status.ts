// The language status item: whether the server runs and how many findings it reported.
import * as vscode from 'vscode';
import { LanguageClient, State } from 'vscode-languageclient/node';

/** The `source` of every diagnostic the server publishes. */
const DIAGNOSTIC_SOURCE = 'ml-hygiene';

export class ServerStatus implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly findingsByUri = new Map<string, number>();
  private readonly subscriptions: vscode.Disposable[];
  private state: State = State.Stopped;

  constructor(client: LanguageClient) {
    this.item = vscode.languages.createLanguageStatusItem('mlHygiene.status', [
      { language: 'python' },
      { language: 'yaml' },
      { notebookType: 'jupyter-notebook' },
    ]);
    this.item.name = 'ML Hygiene';
    this.subscriptions = [
      client.onDidChangeState((e) => {
        this.state = e.newState;
        this.render();
      }),
      vscode.languages.onDidChangeDiagnostics((e) => {
        // Recount only the files that changed: the whole workspace can hold thousands of files.
        for (const uri of e.uris) this.countFindings(uri);
        this.render();
      }),
    ];
    for (const [uri] of vscode.languages.getDiagnostics()) this.countFindings(uri);
    this.render();
  }

  private countFindings(uri: vscode.Uri): void {
    const count = vscode.languages.getDiagnostics(uri).filter((d) => d.source === DIAGNOSTIC_SOURCE).length;
    if (count === 0) this.findingsByUri.delete(uri.toString());
    else this.findingsByUri.set(uri.toString(), count);
  }

  get findingCount(): number {
    let total = 0;
    for (const count of this.findingsByUri.values()) total += count;
    return total;
  }

  private render(): void {
    const item = this.item;
    item.busy = this.state === State.Starting;
    if (this.state === State.Running) {
      const count = this.findingCount;
      item.severity = vscode.LanguageStatusSeverity.Information;
      item.text = count === 1 ? '1 finding' : `${count} findings`;
      item.detail = 'ML Hygiene server running';
      item.command = { title: 'Show Problems', command: 'workbench.actions.view.problems' };
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

  dispose(): void {
    vscode.Disposable.from(this.item, ...this.subscriptions).dispose();
  }
}
