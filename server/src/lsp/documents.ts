// Open documents: text documents (whose changes are kept as tree-sitter edits for incremental
// parsing) and notebooks (synced cell by cell, analysed as the .ipynb they stand for).
import * as fs from 'fs';
import { NotebookCellKind, NotebookDocument, NotebookDocuments, TextDocumentContentChangeEvent, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { editOf } from '../engine/python/edits';
import { readFileInside, realRootOf } from '../engine/workspace';
import { Edit } from '../engine/python/parser';
import { normalizeUri, uriToPath } from './uri';

const SAVED_NOTEBOOK_MAX_BYTES = 20 * 1024 * 1024;

const plainDocuments = {
  create: (uri: string, languageId: string, version: number, content: string) => TextDocument.create(uri, languageId, version, content),
  update: (document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number) => TextDocument.update(document, changes, version),
};

export class OpenDocuments {
  readonly text: TextDocuments<TextDocument>;
  readonly notebooks = new NotebookDocuments(plainDocuments);
  /** Edits since the text was last analysed, per URI; absent after open (a full parse is due). */
  private readonly edits = new Map<string, Edit[]>();

  /** Open text documents and notebooks by normalized URI, to the URI the client spells. */
  private readonly openText = new Map<string, string>();
  private readonly openNotebooks = new Map<string, string>();
  private readonly savedCells = new Map<string, { mtimeMs: number; cells?: SavedCell[] }>();

  constructor() {
    this.notebooks.onDidOpen((n) => this.openNotebooks.set(normalizeUri(n.uri), n.uri));
    this.notebooks.onDidClose((n) => {
      this.openNotebooks.delete(normalizeUri(n.uri));
      this.savedCells.delete(n.uri);
    });
    this.text = new TextDocuments({
      create: plainDocuments.create,
      update: (document, changes, version) => {
        const pending = this.edits.get(normalizeUri(document.uri));
        return pending ? updateWithEdits(document, changes, version, pending) : TextDocument.update(document, changes, version);
      },
    });
    this.text.onDidOpen((e) => this.openText.set(normalizeUri(e.document.uri), e.document.uri));
    this.text.onDidClose((e) => this.openText.delete(normalizeUri(e.document.uri)));
  }

  /** Takes the edits made since the last call (undefined: parse afresh). */
  takeEdits(uri: string): Edit[] | undefined {
    const key = normalizeUri(uri);
    const pending = this.edits.get(key);
    this.edits.set(key, []);
    return pending;
  }

  /** The edits made since the text was last analysed (none when it is to be parsed afresh). */
  pendingEdits(uri: string): readonly Edit[] {
    return this.edits.get(normalizeUri(uri)) ?? [];
  }

  /** The next analysis of this document parses from scratch. */
  resetEdits(uri: string): void {
    this.edits.delete(normalizeUri(uri));
  }

  /** The open text document of a file, by any spelling of its URI. */
  textDocument(uri: string): TextDocument | undefined {
    const clientUri = this.openText.get(normalizeUri(uri));
    return clientUri === undefined ? undefined : this.text.get(clientUri);
  }

  /** The open notebook of a file, by any spelling of its URI. */
  notebook(uri: string): NotebookDocument | undefined {
    const clientUri = this.openNotebooks.get(normalizeUri(uri));
    return clientUri === undefined ? undefined : this.notebooks.getNotebookDocument(clientUri);
  }

  allNotebooks(): NotebookDocument[] {
    return [...this.openNotebooks.values()].flatMap((uri) => this.notebooks.getNotebookDocument(uri) ?? []);
  }

  /** The .ipynb text of an open notebook, built from the editor's cells. Outputs are not synced by
   *  the protocol, and execution counts only for cells run in this session (VS Code's client sends
   *  a count only together with the run's success, which a count loaded from the file lacks): both
   *  are taken from the saved file when its cells line up and its real path lies inside `root`, the
   *  folder of its project. */
  notebookText(notebook: NotebookDocument, root: string): string {
    const saved = this.cellsOnDisk(notebook.uri, notebook.cells.length, root);
    const cells = notebook.cells.map((cell, i) => {
      const document = this.notebooks.getCellTextDocument(cell);
      const source = document?.getText() ?? '';
      if (cell.kind === NotebookCellKind.Markup) return { cell_type: 'markdown', metadata: {}, source };
      if (document && document.languageId !== 'python') return { cell_type: 'raw', metadata: {}, source };
      return {
        cell_type: 'code',
        execution_count: cell.executionSummary?.executionOrder ?? saved?.[i].executionCount ?? null,
        metadata: {},
        outputs: saved?.[i].outputs ?? [],
        source,
      };
    });
    return JSON.stringify({ cells, metadata: notebook.metadata ?? {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
  }

  // Outputs and counts of the saved notebook, read again only when the file changes.
  private cellsOnDisk(uri: string, cellCount: number, root: string): SavedCell[] | undefined {
    const fsPath = uriToPath(uri);
    if (!fsPath) return undefined;
    try {
      const stat = fs.statSync(fsPath);
      if (stat.size > SAVED_NOTEBOOK_MAX_BYTES) return undefined;
      let saved = this.savedCells.get(uri);
      if (saved?.mtimeMs !== stat.mtimeMs) {
        saved = { mtimeMs: stat.mtimeMs, cells: readSavedCells(readFileInside(realRootOf(root), fsPath).toString('utf8')) };
        this.savedCells.set(uri, saved);
      }
      return saved.cells?.length === cellCount ? saved.cells : undefined;
    } catch {
      return undefined;
    }
  }
}

interface SavedCell {
  outputs: unknown[];
  executionCount?: number;
}

function readSavedCells(json: string): SavedCell[] | undefined {
  try {
    const saved = JSON.parse(json) as { cells?: { outputs?: unknown; execution_count?: unknown }[] };
    if (!Array.isArray(saved.cells)) return undefined;
    return saved.cells.map((c) => ({
      outputs: c && Array.isArray(c.outputs) ? c.outputs : [],
      executionCount: c && typeof c.execution_count === 'number' ? c.execution_count : undefined,
    }));
  } catch {
    return undefined;
  }
}

/** Applies an editor's changes to a document and pushes the tree-sitter edit of each on `edits`.
 *  One change at a time: each is read with the lines of the text the one before left, which the
 *  document keeps (not counted again through the whole text at each keystroke). */
export function updateWithEdits(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number, edits: Edit[]): TextDocument {
  for (const change of changes) {
    edits.push(editOf(document, document.getText().length, toTextChange(change)));
    document = TextDocument.update(document, [change], version);
  }
  return document;
}

function toTextChange(change: TextDocumentContentChangeEvent) {
  return 'range' in change ? { range: change.range, text: change.text } : { text: change.text };
}
