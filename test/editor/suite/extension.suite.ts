// The extension inside a real VS Code: activation, diagnostics (file, notebook and project
// findings), hover, quick fix and the rule-doc viewer, on the workspace the harness opened.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { MlHygieneApi } from '../../../client/src/extension';
import { DOCS_SCHEME, practiceLine, renderRuleDoc, ruleDocUri } from '../../../server/src/engine/docs';
import { findRule } from '../../../server/src/rules';
import { waitFor } from './wait';

const EXTENSION_ID = 'ml-hygiene.ml-hygiene';
const NAN_EQUALITY = findRule('MLH106')!;
/** Project rules the test workspace breaks: no-ci, no-tests. */
const PROJECT_FINDINGS = ['MLH301', 'MLH303'];

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
    assert.strictEqual(editor.document.getText(finding.range), 'df["income"] == np.nan');
    assert.strictEqual(finding.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(typeof finding.code === 'object' && finding.code.target.toString(), ruleDocUri('MLH106'));
  });

  test('a file that was never opened gets its finding too', async () => {
    const uri = workspaceFile('features.py');
    await waitForFinding(uri, 'MLH106');
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'features.py stayed closed');
  });

  test('project findings appear: the workspace has neither CI nor tests', async function () {
    const expected = PROJECT_FINDINGS.filter((code) => findRule(code));
    if (expected.length === 0) this.skip(); // none of these rules is in the registry yet
    for (const code of expected) {
      await waitFor(`an ${code} finding anywhere in the workspace`, () =>
        vscode.languages.getDiagnostics().some(([, diagnostics]) => diagnostics.some((d) => codeOf(d) === code)),
      );
    }
  });

  test('a notebook cell gets its finding', async () => {
    const notebook = await vscode.workspace.openNotebookDocument(workspaceFile('explore.ipynb'));
    await vscode.window.showNotebookDocument(notebook);
    const cell = notebook.cellAt(2).document;
    const finding = await waitForFinding(cell.uri, 'MLH106', 'MLH106 in the third cell of explore.ipynb');
    assert.strictEqual(cell.getText(finding.range), 'df["income"] == np.nan');
  });

  test('hovering a finding shows the practice it belongs to', async () => {
    const editor = await openEditor('train.py');
    const finding = await waitForFinding(editor.document.uri, 'MLH106');
    const text = await waitFor('a hover with the rule documentation', async () => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, finding.range.start);
      const joined = hoverText(hovers);
      return joined.includes('MLH106') && joined;
    });
    assert.ok(text.includes(practiceLine(NAN_EQUALITY)), `hover names the practice "${practiceLine(NAN_EQUALITY)}":\n${text}`);
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
    assert.ok(editor.document.getText().includes('missing = df[df["income"].isna()]'), editor.document.getText());
    await waitFor('the MLH106 finding on train.py to go away', () => findings(uri, 'MLH106').length === 0);
    // Leave the file unmodified, so closing it does not ask to save.
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('the language status counts the findings', async () => {
    await waitForFinding(workspaceFile('features.py'), 'MLH106');
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
    const finding = await waitForFinding(workspaceFile('features.py'), 'MLH106');
    assert.ok(typeof finding.code === 'object', 'the finding has a codeDescription link');
    // What the Problems panel and the hover do when the rule code is clicked.
    await vscode.commands.executeCommand('vscode.open', finding.code.target);
    await ruleDocTabOpened('MLH106');
  });

  test('the "show documentation" code action opens the rule page', async () => {
    const editor = await openEditor('features.py');
    const finding = await waitForFinding(editor.document.uri, 'MLH106');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', editor.document.uri, finding.range);
    const show = actions.find((a) => a.command?.command === 'mlHygiene.showRuleDocumentation');
    assert.ok(show?.command, `a "show documentation" action among: ${actions.map((a) => a.title).join(', ')}`);
    await vscode.commands.executeCommand(show.command.command, ...(show.command.arguments ?? []));
    await ruleDocTabOpened('MLH106');
  });

  test('restarting the server brings the findings back', async () => {
    await vscode.commands.executeCommand('mlHygiene.restartServer');
    await waitFor('the language server to run again', () => api.client.isRunning());
    await waitForFinding(workspaceFile('features.py'), 'MLH106');
  });
});
