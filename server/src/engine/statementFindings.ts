// The findings of the statement-local rules (Rule.statementLocal) of one Python module, kept per
// top-level statement between two analyses of an edited document: the next analysis runs those
// rules only on the statements the edit changed and moves the kept findings of the others with
// their statements. A statement is unchanged when an earlier one had its type and text, neither
// with a syntax error: a line typed above a function breaks the syntax until it is finished, and
// tree-sitter's recovery gives the statements after it new nodes, with the same text. What the
// findings were computed with besides the statements (imports, role, configuration ...) is the
// context: when it changed, nothing is kept. The rules whose findings also depend on what a
// statement reaches by name keep them only for the same statement node, while its surroundings hold.
import { Node } from './python/module';
import { Surroundings } from './python/surroundings';
import { Finding, Position, Range } from './types';

export interface Kept {
  /** Where the statement started when its findings were computed: read when the first is kept. */
  start?: Position;
  /** Its type and text, when it has no syntax error (textKey). */
  key?: string;
  /** Per rule code, the rule's findings in the statement (suppressed ones included), when it has any. */
  findings?: Map<string, Finding[]>;
  /** What the statement reaches of the module by name, as of this analysis: given when a rule
   *  that reads it ran. */
  surroundings?: Surroundings;
}

export class StatementFindings {
  private readonly kept = new Map<Node, Kept>();
  /** Per statement, its type and text when it has no syntax error (textKey). */
  private readonly keys: (string | undefined)[];
  /** The statements without syntax errors, by type and text. */
  private readonly byText = new Map<string, Kept[]>();
  /** The rules whose findings are kept: those that ran, and whose findings each lie in one statement. */
  private readonly rules = new Set<string>();
  /** Per rule code, the statements that hold its findings. */
  private readonly holding = new Map<string, Kept[]>();

  /** `earlier`: the findings of the analysis before, whose statements that the re-parse reused (the
   *  same objects, parser.ts) have the keys they had then, without reading their text again. */
  constructor(
    readonly context: string,
    private readonly statements: Node[],
    earlier?: StatementFindings,
  ) {
    this.keys = statements.map((s) => (earlier?.kept.has(s) ? earlier.kept.get(s)!.key : textKey(s)));
    statements.forEach((statement, i) => {
      const kept: Kept = { key: this.keys[i] };
      this.kept.set(statement, kept);
      const key = this.keys[i];
      if (key === undefined) return;
      const list = this.byText.get(key);
      if (list) list.push(kept);
      else this.byText.set(key, [kept]);
    });
  }

  /** For each statement of a later analysis, the statement of this one with its type and text, if
   *  any (each matched once). */
  matchesFor(later: StatementFindings): (Kept | undefined)[] {
    const taken = new Map<string, number>();
    return later.keys.map((key) => {
      const list = key === undefined ? undefined : this.byText.get(key);
      if (!list) return undefined;
      const used = taken.get(key!) ?? 0;
      taken.set(key!, used + 1);
      return list[used];
    });
  }

  /** What is kept of a statement of this analysis, by its node. */
  keptOf(statement: Node): Kept | undefined {
    return this.kept.get(statement);
  }

  /** The statements of this analysis that hold findings of a rule. */
  holdingFindings(code: string): Kept[] {
    return this.holding.get(code) ?? [];
  }

  /** Whether the findings of a rule are kept, for every statement. */
  keeps(code: string): boolean {
    return this.rules.has(code);
  }

  /** Keeps a rule's findings in the statements (those of each statement in the order the rule
   *  reported them): each must lie in one statement, its fix and related places too; otherwise the
   *  rule is not kept. */
  keep(code: string, findings: Finding[]): void {
    this.rules.add(code);
    for (const finding of findings) {
      const statement = this.statementHolding(finding);
      if (!statement) {
        this.rules.delete(code);
        for (const kept of this.holding.get(code) ?? []) kept.findings!.delete(code);
        this.holding.delete(code);
        return;
      }
      const kept = this.kept.get(statement)!;
      kept.start ??= startOf(statement);
      const lists = (kept.findings ??= new Map());
      const list = lists.get(code);
      if (list) list.push(finding);
      else {
        lists.set(code, [finding]);
        const holding = this.holding.get(code);
        if (holding) holding.push(kept);
        else this.holding.set(code, [kept]);
      }
    }
  }

  private statementHolding(finding: Finding): Node | undefined {
    const statement = this.statementAt(finding.range.start);
    if (!statement) return undefined;
    const ranges = [finding.range, ...(finding.fix?.edits ?? []).map((e) => e.range), ...(finding.related ?? []).map((r) => (r.path === finding.path ? r.range : undefined))];
    return ranges.every((r) => r !== undefined && contains(statement, r)) ? statement : undefined;
  }

  /** The last statement that starts at or before a position. */
  private statementAt(position: Position): Node | undefined {
    let low = 0;
    let high = this.statements.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (compare(startOf(this.statements[mid]), position) <= 0) low = mid + 1;
      else high = mid;
    }
    return this.statements[low - 1];
  }
}

/** A rule's findings in a statement of an earlier analysis, moved to where `statement`, of the
 *  same text, is now. */
export function movedFindings(kept: Kept, code: string, statement: Node): Finding[] {
  const found = kept.findings?.get(code);
  if (!found) return [];
  const start = kept.start!;
  const { row, column } = statement.startPosition;
  if (row === start.line && column === start.character) return found;
  const move = (range: Range) => moveRange(range, start, row - start.line, column - start.character);
  return found.map((f) => moved(f, move));
}

/** What identifies a statement's syntax: its type and text, when it has no syntax error. */
function textKey(statement: Node): string | undefined {
  return statement.hasError ? undefined : `${statement.type}\u0000${statement.text}`;
}

function startOf(node: Node): Position {
  return { line: node.startPosition.row, character: node.startPosition.column };
}

function contains(statement: Node, range: Range): boolean {
  const end = statement.endPosition;
  return compare(startOf(statement), range.start) <= 0 && compare(range.end, { line: end.row, character: end.column }) <= 0;
}

function compare(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** A range inside a statement that moved by `rows` and, on its first line `from`, by `columns`. */
function moveRange(range: Range, from: Position, rows: number, columns: number): Range {
  const position = (p: Position): Position => ({ line: p.line + rows, character: p.line === from.line ? p.character + columns : p.character });
  return { start: position(range.start), end: position(range.end) };
}

function moved(finding: Finding, move: (range: Range) => Range): Finding {
  const out: Finding = { ...finding, range: move(finding.range) };
  if (finding.fix?.edits) out.fix = { ...finding.fix, edits: finding.fix.edits.map((e) => ({ ...e, range: move(e.range) })) };
  if (finding.related) out.related = finding.related.map((r) => (r.path === finding.path ? { ...r, range: move(r.range) } : r));
  return out;
}
