// The hover's "Quick fix" link: the editor's quick fix menu at the finding, wherever the cursor is.
import * as vscode from 'vscode';
import type { QUICK_FIX_COMMAND } from '../../server/src/lsp/hover';

// Typed by the server's constant (a type-only import keeps the server's modules out of the client).
export const QUICK_FIX_AT: typeof QUICK_FIX_COMMAND = 'mlHygiene.quickFixAt';

async function quickFixAt(uri: unknown, position: unknown): Promise<void> {
  if (typeof uri !== 'string' || !position || typeof position !== 'object') return;
  const { line, character } = position as { line?: unknown; character?: unknown };
  if (typeof line !== 'number' || typeof character !== 'number') return;
  const target = vscode.Uri.parse(uri);
  // A notebook cell has a visible editor of its own; a file is shown (or brought forward).
  const editor =
    vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString()) ??
    (await vscode.window.showTextDocument(target));
  const at = new vscode.Position(line, character);
  editor.selection = new vscode.Selection(at, at);
  await vscode.commands.executeCommand('editor.action.quickFix');
}

export function registerQuickFixAt(): vscode.Disposable {
  return vscode.commands.registerCommand(QUICK_FIX_AT, quickFixAt);
}
