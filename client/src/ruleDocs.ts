// The rule-doc viewer: rule documentation as read-only Markdown under its own URI scheme, rendered
// offline from the engine's rule registry (the same text as hover and `ml-hygiene explain`).
import * as vscode from 'vscode';
import { DOCS_SCHEME, practiceDocUri, renderPracticeDoc, renderRuleDoc, ruleDocUri } from '../../server/src/engine/docs';
import { Practice, PRACTICE_TITLES } from '../../server/src/engine/types';
import { RULES, findRule } from '../../server/src/rules';

/** `ml-hygiene-docs:/rules/MLH106.md` -> `MLH106`. */
function codeOf(uri: vscode.Uri): string | undefined {
  return /^\/rules\/([^/]+)\.md$/.exec(uri.path)?.[1];
}

/** `ml-hygiene-docs:/practices/P4.md` -> `P4`. */
function practiceOf(uri: vscode.Uri): Practice | undefined {
  const practice = /^\/practices\/(P\d+)\.md$/.exec(uri.path)?.[1];
  return practice !== undefined && practice in PRACTICE_TITLES ? (practice as Practice) : undefined;
}

class RuleDocProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    const practice = practiceOf(uri);
    if (practice) return renderPracticeDoc(practice, RULES);
    const code = codeOf(uri);
    const rule = code === undefined ? undefined : findRule(code);
    if (!rule) return `# Unknown rule\n\nML Hygiene has no rule \`${code ?? uri.path}\`. Run "ML Hygiene: Show Rule Documentation" to pick one.\n`;
    return renderRuleDoc(rule);
  }
}

async function pickRuleCode(): Promise<string | undefined> {
  const picked = await vscode.window.showQuickPick(
    RULES.map((rule) => ({ label: rule.code, description: rule.name, detail: rule.summary })),
    { title: 'ML Hygiene: Show Rule Documentation', placeHolder: 'Rule code or name', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.label;
}

/** Opens the documentation of `code` (a rule code or name), or of a rule the user picks. */
async function showRuleDocumentation(code?: unknown): Promise<void> {
  const wanted = typeof code === 'string' && code.trim() !== '' ? code.trim() : await pickRuleCode();
  if (wanted === undefined) return;
  const rule = findRule(wanted);
  if (!rule) {
    void vscode.window.showErrorMessage(`ML Hygiene has no rule "${wanted}".`);
    return;
  }
  await showDocPage(vscode.Uri.parse(ruleDocUri(rule.code)));
}

/** Opens the page of a practice (`P4`). */
export async function showPracticeDocumentation(practice: Practice): Promise<void> {
  await showDocPage(vscode.Uri.parse(practiceDocUri(practice)));
}

async function showDocPage(uri: vscode.Uri): Promise<void> {
  // The Markdown preview comes from the built-in Markdown extension, which can be disabled. Its
  // commands are listed only once it is active, and running one activates it: so try it.
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }
}

/** Registers the document provider (which also serves diagnostics' codeDescription links) and the command. */
export function registerRuleDocs(): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(DOCS_SCHEME, new RuleDocProvider()),
    vscode.commands.registerCommand('mlHygiene.showRuleDocumentation', showRuleDocumentation),
  );
}
