// Getting diagnostics to the editor: answered pulls (document and workspace) for clients that pull,
// publications of what changed for clients that take pushed diagnostics.
import {
  Connection,
  DocumentDiagnosticReport,
  DocumentDiagnosticReportKind,
  PreviousResultId,
  WorkspaceDiagnosticReport,
  WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { diagnosticsOf, DocumentReport, Placements } from './diagnostics';
import { OpenDocuments } from './documents';
import { Project } from './project';
import { normalizeUri } from './uri';

export interface DeliveryOptions {
  /** The client pulls diagnostics (LSP 3.17); otherwise they are pushed. */
  pull: boolean;
  /** The client accepts workspace/diagnostic/refresh. */
  refresh: boolean;
  /** Every project, in the order their findings are reported. */
  projects(): Project[];
  /** Relative folders (with a trailing slash) of the projects nested inside `project`. */
  innerProjects(project: Project): string[];
  /** The client shows findings about the whole project in its project view, not on a file. */
  projectView: boolean;
}

export class Delivery {
  private readonly placers = new Map<Project, Placements>();
  /** The reports of each project as last delivered; dropped when the project changes. */
  private readonly placements = new Map<Project, Map<string, DocumentReport>>();
  /** Push: the result id last published per URI. */
  private readonly published = new Map<string, string>();

  constructor(
    private readonly connection: Connection,
    private readonly documents: OpenDocuments,
    private readonly options: DeliveryOptions,
  ) {}

  /** The project's findings changed: push them, or ask a pulling client to pull again. A client
   *  pulls the documents it just changed by itself (`analysedUris`): a refresh is asked for only
   *  when another document's findings changed too. */
  changed(project: Project, analysedUris: string[] = []): void {
    const before = this.placements.get(project);
    this.placements.delete(project);
    if (!this.options.pull) return this.publish();
    if (!before || analysedUris.length === 0) return this.refresh();
    const quiet = new Set(analysedUris.flatMap((uri) => this.documentUrisOf(uri)).map(normalizeUri));
    const after = this.reportsOf(project);
    const idOf = (report?: DocumentReport) => diagnosticsOf(project.root, report).resultId;
    const keys = new Set([...before.keys(), ...after.keys()]);
    if ([...keys].some((key) => !quiet.has(key) && idOf(before.get(key)) !== idOf(after.get(key)))) this.refresh();
  }

  /** A project went away (its folder was removed): what it reported goes too. */
  removed(project: Project): void {
    this.placers.delete(project);
    this.placements.delete(project);
    if (this.options.pull) this.refresh();
    else this.publish();
  }

  /** The report of one document (a file, or a notebook cell) of a project. */
  reportOf(project: Project, uri: string): DocumentReport | undefined {
    return this.reportsOf(project).get(normalizeUri(uri));
  }

  documentReport(project: Project | undefined, uri: string, previousResultId?: string): DocumentDiagnosticReport {
    if (!project) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const { items, resultId } = diagnosticsOf(project.root, this.reportOf(project, uri));
    if (previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  }

  /** Every document with findings, as unchanged where the client's result id still holds, and
   *  an empty report for what the client knows that has no findings any more. */
  workspaceReport(previousResultIds: PreviousResultId[]): WorkspaceDiagnosticReport {
    const previous = new Map(previousResultIds.map((p) => [normalizeUri(p.uri), p.value]));
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const project of this.options.projects()) {
      for (const [key, report] of this.reportsOf(project)) {
        const { items: diagnostics, resultId } = diagnosticsOf(project.root, report);
        const known = previous.get(key);
        previous.delete(key);
        items.push(
          known === resultId
            ? { kind: DocumentDiagnosticReportKind.Unchanged, uri: report.uri, version: report.version, resultId }
            : { kind: DocumentDiagnosticReportKind.Full, uri: report.uri, version: report.version, resultId, items: diagnostics },
        );
      }
    }
    const empty = diagnosticsOf('', undefined).resultId;
    for (const [key, known] of previous) {
      const version = this.documents.textDocument(key)?.version ?? null;
      items.push(
        known === empty
          ? { kind: DocumentDiagnosticReportKind.Unchanged, uri: key, version, resultId: empty }
          : { kind: DocumentDiagnosticReportKind.Full, uri: key, version, resultId: empty, items: [] },
      );
    }
    return { items };
  }

  private reportsOf(project: Project): Map<string, DocumentReport> {
    let reports = this.placements.get(project);
    if (!reports) {
      let placer = this.placers.get(project);
      if (!placer) {
        placer = new Placements(project, this.documents, () => this.options.innerProjects(project), this.options.projectView);
        this.placers.set(project, placer);
      }
      reports = placer.reports();
      this.placements.set(project, reports);
    }
    return reports;
  }

  /** The documents a URI shows: a notebook's cells, or the document itself. */
  private documentUrisOf(uri: string): string[] {
    const notebook = this.documents.notebooks.getNotebookDocument(uri);
    return notebook ? notebook.cells.map((c) => c.document) : [uri];
  }

  private refresh(): void {
    if (this.options.refresh) void this.connection.languages.diagnostics.refresh();
  }

  /** Push: publishes what changed since the last publication, and clears what went away. */
  private publish(): void {
    const current = new Set<string>();
    for (const project of this.options.projects()) {
      for (const [key, report] of this.reportsOf(project)) {
        current.add(key);
        const { items, resultId } = diagnosticsOf(project.root, report);
        if (this.published.get(key) === resultId) continue;
        this.published.set(key, resultId);
        void this.connection.sendDiagnostics({ uri: report.uri, version: report.version ?? undefined, diagnostics: items });
      }
    }
    for (const key of [...this.published.keys()]) {
      if (current.has(key)) continue;
      this.published.delete(key);
      void this.connection.sendDiagnostics({ uri: key, diagnostics: [] });
    }
  }
}
