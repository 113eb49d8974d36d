// The extension inside a real VS Code: activation, diagnostics (file, notebook and project
// findings), hover, quick fix, the rule-doc viewer, the TDSP scaffold and the report, on a copy of
// the messy example project that the harness opened.
import * as assert from 'assert';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TextDocumentEdit, WorkspaceEdit } from 'vscode-languageclient/node';
import type { MlHygieneApi } from '../../../client/src/extension';
import type { ScaffoldOutcome } from '../../../client/src/scaffold';
import { DOCS_SCHEME, practiceLine, renderRuleDoc, ruleDocUri } from '../../../server/src/engine/docs';
import { findRule } from '../../../server/src/rules';
import { waitFor } from './wait';

const EXTENSION_ID = 'ml-hygiene.ml-hygiene';
const PROJECT_VIEW = 'mlHygiene.projectView';
/** A module the last tests write, fix and remove. */
const SCRATCH_MODULE = 'credit_scoring/missing_income.py';
const SCRATCH_TEXT = 'import numpy as np\nimport pandas as pd\n\n\ndef missing_income(applications: pd.DataFrame) -> pd.Series:\n    return applications["income"] == np.nan\n';
const NAN_EQUALITY = findRule('MLH106')!;
/** Project rules the messy example breaks, about the project as a whole: no-ci, no-tests. */
const PROJECT_FINDINGS = ['MLH301', 'MLH303'];
/** A file of the example that no test opens, and the finding it has. */
const CLOSED_FILE = 'prepare_customers.py';
const CLOSED_FILE_FINDING = 'MLH101';

function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the harness opens the test workspace as a folder');
  return vscode.Uri.joinPath(folder.uri, relative);
}

function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  return typeof code === 'object' ? String(code.value) : code === undefined ? undefined : String(code);
}

function findings(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ml-hygiene' && codeOf(d) === code);
}

function waitForFinding(uri: vscode.Uri, code: string, what = `${code} on ${vscode.workspace.asRelativePath(uri)}`): Promise<vscode.Diagnostic> {
  return waitFor(what, () => findings(uri, code)[0]);
}

async function openEditor(relative: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile(relative)));
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

const HTML_ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'" };
/** An attribute's value as the webview reads it. */
function unescapeHtml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|#39);/g, (entity) => HTML_ENTITIES[entity]!);
}

/** The editor tab showing a rule page: a Markdown preview, or the document itself. */
function ruleDocTabOpened(code: string): Promise<vscode.Tab> {
  return waitFor(`the ${code} documentation to open`, () =>
    vscode.window.tabGroups.all.flatMap((group) => group.tabs).find((tab) => tab.label.includes(`${code}.md`)),
  );
}

suite('ML Hygiene in VS Code', () => {
  let api: MlHygieneApi;

  suiteSetup(async () => {
    const extension = vscode.extensions.getExtension<MlHygieneApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the extension activates and starts its language server', async () => {
    await waitFor('the language server to run', () => api.client.isRunning());
  });

  test('a Python file gets its finding, linked to the rule documentation', async () => {
    const editor = await openEditor('train.py');
    const finding = await waitForFinding(editor.document.uri, 'MLH106');
    assert.strictEqual(editor.document.getText(finding.range), 'df["monthly_income"] != np.nan');
    assert.strictEqual(finding.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(typeof finding.code === 'object' && finding.code.target.toString(), ruleDocUri('MLH106'));
  });

  test('a file that was never opened gets its finding too', async () => {
    const uri = workspaceFile(CLOSED_FILE);
    await waitForFinding(uri, CLOSED_FILE_FINDING);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), `${CLOSED_FILE} stayed closed`);
  });

  test('project findings appear: no CI and no tests in the project view, not on README.md line 1', async () => {
    await vscode.commands.executeCommand(`${PROJECT_VIEW}.focus`);
    const checks = await waitFor('the project view with the failing project checks', async () => {
      api.projectView.refresh();
      const current = await api.projectView.current();
      const all = current?.practices.flatMap((p) => p.checks) ?? [];
      return PROJECT_FINDINGS.every((code) => all.some((c) => c.code === code && c.status === 'fail')) && all;
    });
    for (const code of PROJECT_FINDINGS) {
      assert.ok(checks.find((c) => c.code === code)!.findings.every((f) => f.wholeProject), `${code} is about the whole project`);
      assert.deepStrictEqual(findings(workspaceFile('README.md'), code), [], `${code} is not on README.md`);
    }
  });

  test('the project view lists the practices with their checks, and a finding opens its place', async () => {
    await vscode.commands.executeCommand(`${PROJECT_VIEW}.focus`);
    const practices = await waitFor('the practices in the project view', async () => {
      api.projectView.refresh();
      const nodes = await api.projectView.getChildren();
      return nodes.length > 0 && nodes;
    });
    const labels = practices.map((p) => String(api.projectView.getTreeItem(p).label));
    assert.ok(labels.includes('P5 Common-sense ML over en-vogue ML'), labels.join(', '));
    const checks = (await Promise.all(practices.map((p) => api.projectView.getChildren(p)))).flat();
    const nan = checks.find((c) => String(api.projectView.getTreeItem(c).label) === 'MLH106 nan-equality');
    assert.ok(nan, 'the MLH106 check is listed');
    assert.match(String(api.projectView.getTreeItem(nan).description), /^fail/);
    const [finding] = (await api.projectView.getChildren(nan)).filter((f) => String(api.projectView.getTreeItem(f).description).startsWith('train.py:'));
    const item = api.projectView.getTreeItem(finding);
    assert.strictEqual(item.contextValue, 'finding.fixable', 'the finding offers its fix');
    await vscode.commands.executeCommand(item.command!.command, ...(item.command!.arguments ?? []));
    const editor = await waitFor('train.py to open at the finding', () => vscode.window.activeTextEditor?.document.uri.path.endsWith('/train.py') && vscode.window.activeTextEditor);
    const diagnostic = await waitForFinding(editor.document.uri, 'MLH106');
    assert.strictEqual(editor.selection.active.line, diagnostic.range.start.line);
  });

  test('a practice opens its page', async () => {
    await vscode.commands.executeCommand('mlHygiene.showPractice', 'P4');
    await waitFor('the P4 page to open', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((tab) => tab.label.includes('P4.md')));
  });

  test('a notebook that is not open: its finding names the cell and points at the cell source in the JSON', async () => {
    const uri = workspaceFile('notebooks/credit-eda-Copy1.ipynb');
    const finding = await waitForFinding(uri, 'MLH802');
    assert.match(finding.message, /^cell 3: /);
    const line = readFileSync(uri.fsPath, 'utf8').split('\n')[finding.range.start.line];
    assert.ok(line.includes('applications = applications[ap'), `the finding is on the cell's first source line, not on "${line}"`);
  });

  test('an open notebook with Markdown cells keeps its out-of-order execution finding (MLH801)', async () => {
    const relative = 'notebooks/rerun-order.ipynb';
    const cells = [
      { cell_type: 'markdown', metadata: {}, source: ['# Rerun order\n'] },
      { cell_type: 'code', execution_count: 1, metadata: {}, outputs: [], source: ['import pandas as pd\n'] },
      { cell_type: 'markdown', metadata: {}, source: ['Load the applications.\n'] },
      { cell_type: 'code', execution_count: 7, metadata: {}, outputs: [], source: ['applications = pd.read_parquet("data/applications.parquet")\n'] },
      { cell_type: 'code', execution_count: 3, metadata: {}, outputs: [], source: ['applications.describe()\n'] },
    ];
    writeFileSync(workspaceFile(relative).fsPath, JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1));
    try {
      const notebook = await vscode.workspace.openNotebookDocument(workspaceFile(relative));
      await vscode.window.showNotebookDocument(notebook);
      await waitForFinding(notebook.cellAt(4).document.uri, 'MLH801', 'MLH801 on the last cell of the open notebook');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(workspaceFile(relative).fsPath, { force: true });
    }
  });

  test('a notebook cell gets its finding', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceFile('pipelines/retrain_monthly.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.cellAt(1).document;
    const finding = await waitForFinding(cell.uri, 'MLH102', 'MLH102 in the second cell of pipelines/retrain_monthly.ipynb');
    assert.strictEqual(cell.getText(finding.range), 'pd.read_csv');
  });

  test('hovering a finding shows the rule, the practice and the fix, with links to the full page and the quick fixes', async () => {
    const editor = await openEditor('train.py');
    const finding = await waitForFinding(editor.document.uri, 'MLH106');
    const text = await waitFor('a hover with the rule', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, finding.range.start);
      const joined = hoverText(hovers);
      return joined.includes('MLH106') && joined;
    });
    assert.ok(text.includes(practiceLine(NAN_EQUALITY)), `hover names the practice "${practiceLine(NAN_EQUALITY)}":\n${text}`);
    assert.match(text, /\[Full documentation\]\(command:mlHygiene\.showRuleDocumentation\?/);
    assert.match(text, /\[Quick fix\]\(command:mlHygiene\.quickFixAt\?/);
    assert.ok(!text.includes(finding.message), 'the message is left to the editor, which shows it in the same hover');
    assert.ok(!text.includes('## Why it matters'), 'the full page stays in the doc tab');
  });

  test('the quick fix rewrites the comparison and the finding goes away', async () => {
    const editor = await openEditor('train.py');
    const uri = editor.document.uri;
    const finding = await waitForFinding(uri, 'MLH106');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider', uri, finding.range, vscode.CodeActionKind.QuickFix.value,
    );
    const fix = actions.find((a) => a.isPreferred && a.edit);
    assert.ok(fix?.edit, `a preferred quick fix with an edit among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit applies');
    assert.ok(editor.document.getText().includes('df = df[df["monthly_income"].notna()]'), editor.document.getText());
    await waitFor('the MLH106 finding on train.py to go away', () => findings(uri, 'MLH106').length === 0);
    // Leave the file unmodified, so closing it does not ask to save.
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('fix all in the file (source.fixAll.mlHygiene) makes the fixes, and the findings go', async () => {
    const editor = await openEditor('train.py');
    const uri = editor.document.uri;
    await waitForFinding(uri, 'MLH106');
    const whole = new vscode.Range(0, 0, editor.document.lineCount, 0);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, whole, 'source.fixAll.mlHygiene');
    const fixAll = actions.find((a) => a.kind?.value === 'source.fixAll.mlHygiene');
    assert.ok(fixAll?.edit, `a fix-all action among: ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fixAll.edit));
    await waitFor('the MLH106 finding on train.py to go away', () => findings(uri, 'MLH106').length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('the language status counts the findings', async () => {
    await waitForFinding(workspaceFile(CLOSED_FILE), CLOSED_FILE_FINDING);
    const total = () =>
      vscode.languages.getDiagnostics().reduce((sum, [, diagnostics]) => sum + diagnostics.filter((d) => d.source === 'ml-hygiene').length, 0);
    await waitFor('the status item to count every finding', () => api.status.findingCount > 0 && api.status.findingCount === total());
  });

  test('"Show Rule Documentation" opens the rule page', async () => {
    await vscode.commands.executeCommand('mlHygiene.showRuleDocumentation', 'MLH106');
    await ruleDocTabOpened('MLH106');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(ruleDocUri('MLH106')));
    assert.strictEqual(doc.uri.scheme, DOCS_SCHEME);
    assert.strictEqual(doc.getText(), renderRuleDoc(NAN_EQUALITY));
  });

  test("a finding's documentation link opens the rule page", async () => {
    const finding = await waitForFinding(workspaceFile(CLOSED_FILE), CLOSED_FILE_FINDING);
    assert.ok(typeof finding.code === 'object', 'the finding has a codeDescription link');
    // What the Problems panel and the hover do when the rule code is clicked.
    await vscode.commands.executeCommand('vscode.open', finding.code.target);
    await ruleDocTabOpened(CLOSED_FILE_FINDING);
  });

  test('the "show documentation" code action opens the rule page', async () => {
    const editor = await openEditor(CLOSED_FILE);
    const finding = await waitForFinding(editor.document.uri, CLOSED_FILE_FINDING);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, finding.range);
    const show = actions.find((a) => a.command?.command === 'mlHygiene.showRuleDocumentation');
    assert.ok(show?.command, `a "show documentation" action among: ${actions.map((a) => a.title).join(', ')}`);
    await vscode.commands.executeCommand(show.command.command, ...(show.command.arguments ?? []));
    await ruleDocTabOpened(CLOSED_FILE_FINDING);
  });

  test('"Scaffold TDSP Project" creates the layout and leaves an existing file as it was', async () => {
    // The scaffold writes only inside a workspace folder: a new folder in the test workspace.
    const target = mkdtempSync(workspaceFile('scaffold-').fsPath);
    try {
      const readme = path.join(target, 'README.md');
      const ownReadme = '# Our project\n\nWritten before the scaffold.\n';
      writeFileSync(readme, ownReadme);
      const outcome = await vscode.commands.executeCommand<ScaffoldOutcome | undefined>('mlHygiene.scaffoldTdsp', {
        target: vscode.Uri.file(target),
        name: 'Customer churn',
        without: ['codeowners'],
      });
      assert.ok(outcome, 'the command returns what it did');
      assert.deepStrictEqual(outcome.skipped, ['README.md']);
      for (const expected of ['Docs/Project/Charter.md', 'Docs/Data_Dictionaries/Data_Dictionary.md', 'Sample_Data/README.md', 'Code/customer_churn/train.py', 'params.yaml']) {
        assert.ok(outcome.created.includes(expected), `${expected} among the created files: ${outcome.created.join(', ')}`);
      }
      assert.ok(!outcome.created.includes('.github/CODEOWNERS'), 'a part left out is not created');
      for (const file of outcome.created) {
        const content = readFileSync(path.join(target, file), 'utf8');
        if (!file.endsWith('.gitkeep')) assert.ok(content.length > 0, `${file} was written with its content`);
      }
      assert.ok(readFileSync(path.join(target, 'Docs/Project/Charter.md'), 'utf8').includes('Customer churn'), 'the charter names the project');
      assert.strictEqual(readFileSync(readme, 'utf8'), ownReadme, 'the existing README.md is unchanged');

      const charter = readFileSync(path.join(target, 'Docs/Project/Charter.md'), 'utf8');
      const again = await vscode.commands.executeCommand<ScaffoldOutcome | undefined>('mlHygiene.scaffoldTdsp', { target: vscode.Uri.file(target).toString(), name: 'Customer churn', without: ['codeowners'] });
      assert.deepStrictEqual(again?.created, [], 'a second run finds everything in place');
      assert.strictEqual(again.skipped.length, outcome.created.length + 1, 'and skips every file');
      assert.strictEqual(readFileSync(path.join(target, 'Docs/Project/Charter.md'), 'utf8'), charter, 'the second run changed no file');
      assert.ok(!existsSync(path.join(target, '.github/CODEOWNERS')));
    } finally {
      rmSync(target, { recursive: true, force: true });
    }
  });

  test('"Scaffold TDSP Project" refuses a folder outside the workspace and writes nothing', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'mlh-scaffold-'));
    try {
      const outcome = await vscode.commands.executeCommand<ScaffoldOutcome | undefined>('mlHygiene.scaffoldTdsp', { target: vscode.Uri.file(outside), name: 'Customer churn' });
      assert.strictEqual(outcome, undefined, 'the command says why in an error message and does nothing');
      assert.deepStrictEqual(readdirSync(outside), []);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('"Show Project Report" opens a webview whose findings link to their place', async () => {
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel | undefined>('mlHygiene.showReport');
    assert.ok(panel, 'the command returns the report panel');
    assert.ok(panel.visible, 'the report panel is shown');
    assert.strictEqual(panel.webview.options.enableScripts, false);
    const html = panel.webview.html;
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.match(html, /\/ 100 overall/);
    const link = /href="command:mlHygiene\.openFinding\?([^"]+)"/.exec(html);
    assert.ok(link, 'a finding links to its location');
    // What clicking the link does: the webview runs the command with the link's arguments.
    const [location] = JSON.parse(decodeURIComponent(unescapeHtml(link[1]))) as { path: string; line: number; cell?: number }[];
    await vscode.commands.executeCommand('mlHygiene.openFinding', location);
    const editor = await waitFor(`an editor on ${location.path}`, () => {
      const active = vscode.window.activeTextEditor;
      const shown = vscode.window.activeNotebookEditor?.notebook.uri ?? active?.document.uri;
      return shown && vscode.workspace.asRelativePath(shown) === location.path && active;
    });
    assert.strictEqual(editor.selection.active.line, location.line);
  });

  test('the language status shows the hygiene score', async () => {
    await waitFor('a score in the language status', () => /^ML Hygiene \d+\/100, \d+ findings?$/.test(api.status.text));
    assert.ok(api.status.score !== undefined && api.status.score >= 0 && api.status.score <= 100, `score ${api.status.score}`);
  });

  test('"Get Started" opens the walkthrough', async () => {
    await vscode.commands.executeCommand('mlHygiene.openWalkthrough');
    await waitFor('the walkthrough tab', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label.match(/Welcome|Walkthrough/));
  });

  test('the status bar shows the score and the finding count, and opens the report', async () => {
    const bar = await waitFor('a score in the status bar', () => /ML Hygiene \d+\/100 · \d+ findings?$/.test(api.status.statusBar.text) && api.status.statusBar);
    assert.ok(bar.text.endsWith(`${api.status.findingCount} findings`), bar.text);
    assert.strictEqual(bar.command, 'mlHygiene.showReport');
  });

  test('"Scaffold TDSP Project" into a new folder creates it and opens a summary of what was created and skipped', async () => {
    const parent = mkdtempSync(workspaceFile('new-projects-').fsPath);
    const target = path.join(parent, 'customer-churn');
    try {
      const outcome = await vscode.commands.executeCommand<ScaffoldOutcome | undefined>('mlHygiene.scaffoldTdsp', {
        target: vscode.Uri.file(target),
        name: 'Customer churn',
      });
      assert.ok(outcome, 'the command returns what it did');
      assert.ok(existsSync(path.join(target, 'Docs/Project/Charter.md')), 'the folder was created and filled');
      assert.deepStrictEqual(outcome.skipped, []);
      const summary = await waitFor('the summary document in front', () => {
        const active = vscode.window.activeTextEditor?.document;
        return active?.uri.toString() === outcome.summary.toString() && active;
      });
      const text = summary.getText();
      assert.match(text, new RegExp(`## Created \\(${outcome.created.length}\\)`));
      for (const file of outcome.created) assert.ok(text.includes(`\n- ${file}\n`), `${file} is listed`);
      assert.match(text, /## Skipped: already there, left as they were \(0\)/);
      assert.strictEqual(summary.isDirty, false, 'closing the summary asks nothing');
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  test('with mlHygiene.run set to onSave, typing leaves the findings and saving analyses', async () => {
    const file = workspaceFile('on_save_check.py');
    writeFileSync(file.fsPath, 'import numpy as np\n');
    const settings = vscode.workspace.getConfiguration('mlHygiene');
    try {
      await settings.update('run', 'onSave', vscode.ConfigurationTarget.Workspace);
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
      // The server answers a hover after analysing what it was told to analyse. Each try types a new
      // comparison with NaN on a line of its own: once the server follows the new setting, the line
      // just typed has no finding.
      let typed = 0;
      await waitFor('the server to analyse on save only', async () => {
        typed++;
        const line = editor.document.lineCount - 1;
        await editor.edit((edit) => edit.insert(new vscode.Position(line, 0), `flag_${typed} = np.nan == ${typed}\n`));
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', file, new vscode.Position(line, 12));
        return !hoverText(hovers).includes('MLH106');
      });
      assert.ok(findings(file, 'MLH106').length < typed, 'the last line typed was not analysed');
      await editor.document.save();
      await waitFor(`${typed} MLH106 findings after the save`, () => findings(file, 'MLH106').length === typed);
    } finally {
      await settings.update('run', undefined, vscode.ConfigurationTarget.Workspace);
      if (vscode.window.activeTextEditor?.document.isDirty) await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      rmSync(file.fsPath, { force: true });
    }
  });

  test('restarting the server brings the findings back', async () => {
    await vscode.commands.executeCommand('mlHygiene.restartServer');
    await waitFor('the language server to run again', () => api.client.isRunning());
    await waitForFinding(workspaceFile(CLOSED_FILE), CLOSED_FILE_FINDING);
  });

  // The last tests change files of the workspace (restored afterwards) on a module of their own.
  test('"Disable MLH106 for this project" edits .ml-hygiene.yaml, keeping its comment, and the finding goes', async () => {
    const configPath = workspaceFile('.ml-hygiene.yaml').fsPath;
    const original = readFileSync(configPath, 'utf8');
    writeFileSync(workspaceFile(SCRATCH_MODULE).fsPath, SCRATCH_TEXT);
    try {
      const editor = await openEditor(SCRATCH_MODULE);
      const finding = await waitForFinding(editor.document.uri, 'MLH106');
      const disable = await waitFor('"Disable MLH106 for this project" among the code actions', async () => {
        const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, finding.range, vscode.CodeActionKind.QuickFix.value);
        return actions.find((a) => a.title === 'Disable MLH106 for this project');
      });
      assert.ok(disable.edit && (await vscode.workspace.applyEdit(disable.edit)));
      // Saved at once when the file is not open in an editor (files.refactoring.autoSave).
      const config = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === configPath);
      const text = config?.getText() ?? readFileSync(configPath, 'utf8');
      assert.ok(text.startsWith(original.split('\n')[0]), 'the comment stays');
      assert.match(text, /^ignore: \[MLH106\]$/m);
      if (config?.isDirty) await config.save();
      await waitFor('the MLH106 finding to go away', () => findings(editor.document.uri, 'MLH106').length === 0, 60_000);
    } finally {
      writeFileSync(configPath, original);
      rmSync(workspaceFile(SCRATCH_MODULE).fsPath, { force: true });
    }
  });

  test('"Fix All Auto-fixable Findings in the Project" asks to confirm its edit, then fixes the files', async () => {
    writeFileSync(workspaceFile(SCRATCH_MODULE).fsPath, SCRATCH_TEXT);
    const folder = vscode.workspace.workspaceFolders![0].uri.toString();
    const edit = await waitFor('a fix-all edit that fixes the new module', async () => {
      const answer: WorkspaceEdit = await api.client.sendRequest('workspace/executeCommand', { command: 'ml-hygiene.server.fixAll', arguments: [folder] });
      return (answer.documentChanges ?? []).some((c) => (c as TextDocumentEdit).textDocument.uri.endsWith(SCRATCH_MODULE)) && answer;
    });
    assert.ok(Object.values(edit.changeAnnotations ?? {}).every((a) => a.needsConfirmation), 'the edit is shown in the refactor preview first');
    const edited = (edit.documentChanges ?? []).map((c) => vscode.Uri.parse((c as TextDocumentEdit).textDocument.uri));
    // VS Code saves the files a workspace edit changes without an editor (files.refactoring.autoSave).
    // A file an earlier test deleted while VS Code still held its document may be among them.
    const originals = new Map(edited.map((uri) => [uri, existsSync(uri.fsPath) ? readFileSync(uri.fsPath, 'utf8') : undefined]));
    try {
      assert.strictEqual(await vscode.commands.executeCommand('mlHygiene.fixAllInWorkspace', { preview: false }), true);
      const fixed = await vscode.workspace.openTextDocument(workspaceFile(SCRATCH_MODULE));
      assert.match(fixed.getText(), /\.isna\(\)/);
    } finally {
      for (const [uri, text] of originals) {
        if (text === undefined) rmSync(uri.fsPath, { force: true });
        else writeFileSync(uri.fsPath, text);
      }
      for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
        await vscode.window.showTextDocument(document);
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      rmSync(workspaceFile(SCRATCH_MODULE).fsPath, { force: true });
    }
  });
});
