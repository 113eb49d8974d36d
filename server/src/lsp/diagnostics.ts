// Findings as LSP diagnostics: which document each one belongs to (an open document, a notebook
// cell, a file on disk) and the Diagnostic itself, with what code actions need in `data`.
import { createHash } from 'crypto';
import * as path from 'path';
import { Diagnostic, DiagnosticSeverity, DiagnosticTag, DiagnosticRelatedInformation } from 'vscode-languageserver';
import { kindOf } from '../engine/analyze';
import { shiftRange } from '../engine/python/edits';
import { Edit } from '../engine/python/parser';
import { ruleDocUri } from '../engine/docs';
import { FILE_START, FileKind, Finding, Range, RelatedLocation, Severity, TextEdit } from '../engine/types';
import { OpenDocuments } from './documents';
import { Project } from './project';
import { normalizeUri, pathToUri } from './uri';

export const SOURCE = 'ml-hygiene';

/** What a code action needs to know about a diagnostic, carried in Diagnostic.data. */
export interface DiagnosticData {
  /** The fix, in the coordinates of the diagnostic's document; file creations as absolute URIs. */
  fix?: { title: string; edits: TextEdit[]; create: { uri: string; content: string }[]; rename?: { oldUri: string; newUri: string } };
  /** Kind of file the diagnostic is in; suppression comments exist for Python, YAML and requirements. */
  fileKind: FileKind;
  /** Project findings are configured away, not silenced by comments. */
  project: boolean;
}

/** A finding placed in the document the editor shows it in. */
export interface PlacedFinding {
  finding: Finding;
  range: Range;
  data: DiagnosticData;
  /** The notebook cell (1-based) the message names: the finding is shown on the notebook's JSON. */
  cell?: number;
  /** The related places, when they are in cells of an open notebook (shown on the cells' documents). */
  related?: DiagnosticRelatedInformation[];
}

export interface DocumentReport {
  uri: string;
  /** The open document's version, null for a file on disk. */
  version: number | null;
  placed: PlacedFinding[];
}

const SEVERITIES: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
};

/** Places the findings of a project in the documents the editor shows: open text documents, cells
 *  of open notebooks (a notebook's findings outside any cell go to its first cell), and files on
 *  disk (notebook findings at their place in the .ipynb JSON). A file's reports are rebuilt only
 *  when its findings or its open document changed, so that a keystroke costs one file, not the
 *  whole workspace. */
export class Placements {
  private readonly byPath = new Map<string, { findings: Finding[]; shownAs: string; reports: [string, DocumentReport][] }>();
  private readonly uris = new Map<string, string>();

  constructor(
    private readonly project: Project,
    private readonly documents: OpenDocuments,
    /** Folders inside this project that are projects of their own (nested workspace folders),
     *  relative, with a trailing slash: their files are reported by that project. */
    private readonly innerProjects: () => string[],
    /** The client lists findings about the whole project in a view of its own: they are not put
     *  on the file the command line names them by. */
    private readonly projectView = false,
  ) {}

  /** Every report of the project, keyed by normalized URI. */
  reports(): Map<string, DocumentReport> {
    const out = new Map<string, DocumentReport>();
    const current = this.project.findingsByPath();
    const inner = this.innerProjects();
    for (const filePath of this.byPath.keys()) if (!current.has(filePath)) this.byPath.delete(filePath);
    for (const [filePath, all] of current) {
      if (inner.some((prefix) => filePath.startsWith(prefix))) continue;
      const findings = this.projectView ? all.filter((f) => !f.wholeProject) : all;
      if (findings.length === 0) continue;
      let fileUri = this.uris.get(filePath);
      if (fileUri === undefined) {
        fileUri = pathToUri(path.join(this.project.root, filePath));
        this.uris.set(filePath, fileUri);
      }
      const notebook = kindOf(filePath) === 'notebook' ? this.documents.notebook(fileUri) : undefined;
      const textDocument = notebook ? undefined : this.documents.textDocument(fileUri);
      const shownAs = notebook
        ? `notebook ${notebook.version} ${notebook.cells.map((c) => c.document).join(' ')}`
        : textDocument
          ? `document ${textDocument.uri} ${textDocument.version}`
          : 'disk';
      let entry = this.byPath.get(filePath);
      if (!entry || entry.shownAs !== shownAs || !sameItems(entry.findings, findings)) {
        const reports = this.place(filePath, fileUri, findings).map((r): [string, DocumentReport] => [r.uri === fileUri ? fileUri : normalizeUri(r.uri), r]);
        entry = { findings, shownAs, reports };
        this.byPath.set(filePath, entry);
      }
      for (const [key, report] of entry.reports) out.set(key, report);
    }
    return out;
  }

  private place(filePath: string, fileUri: string, findings: Finding[]): DocumentReport[] {
    const { project, documents } = this;
    const reports = new Map<string, DocumentReport>();
    const add = (uri: string, version: number | null, placed: PlacedFinding) => {
      const report = reports.get(uri) ?? { uri, version, placed: [] };
      report.placed.push(placed);
      reports.set(uri, report);
    };
    const fileKind = kindOf(filePath);
    const notebook = fileKind === 'notebook' ? documents.notebook(fileUri) : undefined;
    const textDocument = notebook ? undefined : documents.textDocument(fileUri);
    for (const finding of findings) {
      const isProject = project.isProjectFinding(finding);
      const fix = (editable: boolean, edits: readonly Edit[] = []) => fixData(project.root, finding, editable, edits);
      const inCell = finding.cell !== undefined;
      if (notebook) {
        const cell = notebook.cells[finding.cell ?? 0];
        const cellDocument = cell && documents.notebooks.getCellTextDocument(cell);
        if (!cellDocument) continue;
        const related = finding.related?.map((r) => {
          const relatedCell = r.cell !== undefined ? notebook.cells[r.cell] : undefined;
          const relatedDocument = relatedCell && documents.notebooks.getCellTextDocument(relatedCell);
          return relatedDocument
            ? DiagnosticRelatedInformation.create({ uri: relatedDocument.uri, range: r.range }, r.message)
            : relatedInformation(project.root, r);
        });
        add(cellDocument.uri, cellDocument.version, {
          finding,
          range: inCell ? finding.range : FILE_START,
          data: { fix: fix(inCell), fileKind: 'python', project: isProject },
          ...(related ? { related } : {}),
        });
      } else if (textDocument) {
        // Edits the analysis has not seen yet move the findings with the text until it has.
        const edits = documents.pendingEdits(textDocument.uri);
        const range = edits.length ? shiftRange(finding.range, edits) : finding.range;
        add(textDocument.uri, textDocument.version, { finding, range, data: { fix: fix(true, edits), fileKind, project: isProject } });
      } else {
        // A notebook on disk is shown as its JSON: cell-relative edits do not apply there.
        const placed: PlacedFinding = {
          finding,
          range: inCell ? (finding.fileRange ?? FILE_START) : finding.range,
          data: { fix: fix(!inCell), fileKind: inCell ? 'notebook' : fileKind, project: isProject },
        };
        if (inCell) placed.cell = finding.cell! + 1;
        add(fileUri, null, placed);
      }
    }
    return [...reports.values()];
  }
}

function sameItems<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}

/** `pending`: the edits made to the document since the finding's analysis; the fix moves with them. */
export function fixData(root: string, finding: Finding, editable: boolean, pending: readonly Edit[] = []): DiagnosticData['fix'] {
  const { fix } = finding;
  if (!fix) return undefined;
  const moved = (edit: TextEdit) => (pending.length ? { ...edit, range: shiftRange(edit.range, pending) } : edit);
  const edits = editable ? (fix.edits ?? []).map(moved) : [];
  const create = (fix.create ?? []).map((c) => ({ uri: pathToUri(path.join(root, c.path)), content: c.content }));
  const rename = fix.rename === undefined ? undefined : { oldUri: pathToUri(path.join(root, finding.path)), newUri: pathToUri(path.join(root, fix.rename)) };
  if (!edits.length && !create.length && !rename) return undefined;
  return rename ? { title: fix.title, edits, create, rename } : { title: fix.title, edits, create };
}

/** A message on a notebook's JSON names its cell, as the command line's `path:cell N:line:col` does
 *  (unless it starts with the cell already). */
function cellMessage(cell: number, message: string): string {
  return new RegExp(`^cell ${cell}\\b`, 'i').test(message) ? message : `cell ${cell}: ${message}`;
}

/** A related place in its file; one in a notebook cell is shown on the notebook's JSON. */
function relatedInformation(root: string, related: RelatedLocation): DiagnosticRelatedInformation {
  return DiagnosticRelatedInformation.create({ uri: pathToUri(path.join(root, related.path)), range: related.fileRange ?? related.range }, related.message);
}

export function toDiagnostic(root: string, placed: PlacedFinding): Diagnostic {
  const { finding } = placed;
  const diagnostic: Diagnostic = {
    range: placed.range,
    severity: SEVERITIES[finding.severity],
    code: finding.code,
    codeDescription: { href: ruleDocUri(finding.code) },
    source: SOURCE,
    message: placed.cell === undefined ? finding.message : cellMessage(placed.cell, finding.message),
    data: placed.data,
  };
  if (finding.unnecessary) diagnostic.tags = [DiagnosticTag.Unnecessary];
  if (finding.related?.length) diagnostic.relatedInformation = placed.related ?? finding.related.map((r) => relatedInformation(root, r));
  return diagnostic;
}

interface Delivered {
  items: Diagnostic[];
  resultId: string;
}

// Reports are rebuilt whenever their project changes; each one is converted once.
const converted = new WeakMap<DocumentReport, Delivered>();

/** Diagnostics of a report, and an id that changes exactly when they do. */
export function diagnosticsOf(root: string, report: DocumentReport | undefined): Delivered {
  const known = report && converted.get(report);
  if (known) return known;
  const items = (report?.placed ?? []).map((p) => toDiagnostic(root, p));
  const delivered = { items, resultId: createHash('sha1').update(JSON.stringify(items)).digest('base64') };
  if (report) converted.set(report, delivered);
  return delivered;
}

/** The data of one of our diagnostics as a client sends it back, checked (it crossed the wire). */
export function dataOf(diagnostic: Diagnostic): DiagnosticData | undefined {
  if (diagnostic.source !== SOURCE || typeof diagnostic.code !== 'string') return undefined;
  const data = diagnostic.data as DiagnosticData | undefined;
  if (!data || typeof data !== 'object' || typeof data.fileKind !== 'string') return undefined;
  return data;
}
