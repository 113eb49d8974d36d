// The VS Code side of ML Hygiene: starts the language server, and adds the rule-doc viewer, the
// TDSP scaffold, the report view, the restart command and the language status item. All analysis
// happens in the server.
import * as vscode from 'vscode';
import { DocumentSelector, LanguageClient, LanguageClientOptions, RevealOutputChannelOn, ServerOptions, TransportKind, vsdiag } from 'vscode-languageclient/node';
import { PARSER_FAILED_NOTIFICATION, ParserFailedParams } from '../../server/src/lsp/parserRestart';
import { ProjectView } from './projectView';
import { ReportView } from './report';
import { registerRuleDocs } from './ruleDocs';
import { registerQuickFixAt, QUICK_FIX_AT } from './quickFix';
import { registerScaffold } from './scaffold';
import { ServerStatus } from './status';

/** Documents the server analyses; notebook cells go through notebook synchronisation. */
const DOCUMENT_SELECTOR: DocumentSelector = [
  { scheme: 'file', language: 'python' },
  { scheme: 'file', language: 'yaml' },
  { scheme: 'file', language: 'pip-requirements' },
  { scheme: 'file', pattern: '**/requirements*.txt' },
  { scheme: 'file', language: 'toml' },
  { notebook: 'jupyter-notebook', language: 'python' },
];

/**
 * Files whose changes the server must hear about even when they are not open: project findings
 * depend on them. `.github` and `.circleci` catch a CI folder deleted as a whole.
 */
const WATCHED_FILES =
  '**/{pyproject.toml,.ml-hygiene.yaml,requirements*.txt,.gitignore,Jenkinsfile,*.yaml,*.yml,*.py,*.ipynb,.github,.circleci}';

/** What the extension returns from `activate`, for its integration tests. */
export interface MlHygieneApi {
  readonly client: LanguageClient;
  readonly status: ServerStatus;
  readonly reportView: ReportView;
  readonly projectView: ProjectView;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<MlHygieneApi> {
  const output = vscode.window.createOutputChannel('ML Hygiene');
  const module = context.asAbsolutePath('server/out/server.js');
  const server = { module, transport: TransportKind.ipc };
  const serverOptions: ServerOptions = { run: server, debug: server };
  const watcher = vscode.workspace.createFileSystemWatcher(WATCHED_FILES);
  // The texts that made a server's parser fail: that server exits and the client starts a fresh
  // one, which is told not to parse them (reopened, they would end it too).
  const parserFailedOn = new Set<string>();
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { fileEvents: watcher, configurationSection: 'mlHygiene' },
    outputChannel: output,
    // The output is a log the user opens (its level is mlHygiene.logLevel), never thrust forward.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    // The hover links to the rule's page and to the quick fixes; it leaves the message to the
    // editor, which shows the diagnostic in the same hover. Findings about the whole project are
    // listed in the project view, not on a file.
    initializationOptions: () => ({ commandLinks: true, diagnosticsInHover: true, projectView: true, parserFailedOn: [...parserFailedOn] }),
    markdown: { isTrusted: { enabledCommands: ['mlHygiene.showRuleDocumentation', QUICK_FIX_AT] } },
    middleware: {
      // The language client shows a pull it cancelled itself (the document changed while the server
      // answered) as an empty report: every squiggle of the file would blink off until the next pull
      // answers. The squiggles shown stay instead; the client pulls again at once.
      provideDiagnostics: async (document, previousResultId, token, next) => {
        const report = await next(document, previousResultId, token);
        if (!token.isCancellationRequested) return report;
        return { kind: vsdiag.DocumentDiagnosticReportKind.unChanged, resultId: previousResultId ?? '' };
      },
    },
  };
  const languageClient = new LanguageClient('mlHygiene', 'ML Hygiene', serverOptions, clientOptions);
  client = languageClient;
  languageClient.onNotification(PARSER_FAILED_NOTIFICATION, ({ textHash }: ParserFailedParams) => parserFailedOn.add(textHash));
  const status = new ServerStatus(languageClient);
  const reportView = new ReportView(languageClient);
  const projectView = new ProjectView(languageClient);
  context.subscriptions.push(
    output,
    watcher,
    status,
    reportView,
    projectView,
    registerRuleDocs(),
    registerScaffold(languageClient),
    registerQuickFixAt(),
    vscode.commands.registerCommand('mlHygiene.openWalkthrough', () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#gettingStarted`, false),
    ),
    vscode.commands.registerCommand('mlHygiene.restartServer', async () => {
      output.appendLine('Restarting the ML Hygiene server.');
      await languageClient.restart();
    }),
  );
  try {
    await languageClient.start();
  } catch (error) {
    // Keep the extension active (rule docs, restart) and say why in the output and the status item.
    output.appendLine(`The ML Hygiene server did not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  }
  return { client: languageClient, status, reportView, projectView };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
