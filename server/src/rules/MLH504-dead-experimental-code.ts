import { PythonContext, defineRule } from '../engine/rule';
import { configurableGlobals } from '../engine/python/configurableGlobals';
import { assignedNames, enclosing, Node } from '../engine/python/module';
import { parsePython } from '../engine/python/parser';
import { topLevelStatements } from '../engine/python/statements';
import { isFalseLiteral } from '../engine/python/values';
import { Fix, rangeOf } from '../engine/types';
import { PRODUCTION } from '../engine/roles';

/** Commented-out code shorter than this many lines is left alone (a disabled line or two is common). */
export const MIN_COMMENTED_LINES = 3;

/** Comments that are tool directives, notebook markers or licence text, never code. */
const NOT_CODE = /^\s*(type:|noqa|pragma|fmt:|pylint:|mypy:|pyright:|isort:|ruff:|nosec|ml-hygiene:|%%|-\*-|!|\^)|copyright|spdx|licen[cs]e|all rights reserved/i;
const STATEMENT_START = /^(return|import|from|raise|assert|del|pass|break|continue|yield|global|nonlocal|print\(|@)\b|^(if|elif|else|for|while|with|try|except|finally|def|class|async)\b.*:$/;
const EXAMPLE_INTRO = /^(usage|example usage|sample usage|examples?|e\.g\.|for example|for instance|how to use( it)?)\b/i;
/** A line reads as code: it starts like a statement, or assigns, calls or indexes something. */
function looksLikeCode(content: string): boolean {
  const line = content.trim();
  if (!line || NOT_CODE.test(line)) return false;
  if (STATEMENT_START.test(line)) return true;
  return /^[\w.[\]'", ]+\s*(=|\+=|-=|\*=|\/=)\s*\S/.test(line) || /^[\w.]+(\[[^\]]*\])?(\.\w+)*\(.*\)\s*$/.test(line);
}

/** Inside a block of commented-out code: continuation lines of a call or signature (\`bias=True,\`,
 *  \`):\`) and empty comment lines, which are code there but read as nothing on their own. */
function continuesCode(content: string): boolean {
  const line = content.trim();
  return line === '' || /^[\w.'"[\]()=*+\-/, ]+[,([{]$/.test(line) || /^[)\]}]+[:,]?$/.test(line);
}

function dedent(lines: string[]): string[] {
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return lines.map((l) => l.slice(indent));
}

/** Whether lines parse as Python statements (a trailing block header gets a body to close it). */
function parsesAsPython(lines: string[]): boolean {
  const body = dedent(lines);
  if (/:\s*$/.test(body[body.length - 1])) body.push(`${/^\s*/.exec(body[body.length - 1])![0]}    pass`);
  const tree = parsePython(body.join('\n') + '\n');
  try {
    return !tree.rootNode.hasError;
  } finally {
    tree.delete();
  }
}

/** For notebook code, the cells' own lines: IPython magics (\`%%capture\` cells, \`!pip\`) reach the
 *  analysis as comments but are not comments in the notebook. */
function writtenLines(ctx: PythonContext): string[] | undefined {
  return ctx.notebook?.cells.filter((c) => c.kind === 'code').flatMap((c) => c.source.split(/\r?\n/));
}

/** Whether the comment line above a block of code in comments introduces it as a usage example
 *  (\`# Usage:\`, \`# Example:\`, or prose ending in a colon with the code indented under it):
 *  documentation written as comments, not code switched off. */
function introducesExample(intro: Node, code: string[]): boolean {
  const text = intro.text.replace(/^#\s*/, '').trim();
  if (EXAMPLE_INTRO.test(text)) return true;
  const indentOf = (line: string) => /^\s*/.exec(line)![0].length;
  const introIndent = indentOf(intro.text.slice(1));
  const codeIndent = Math.min(...code.filter((line) => line.trim()).map((line) => indentOf(line) + 1));
  return text.endsWith(':') && codeIndent > introIndent + 1;
}

function reportCommentedCode(ctx: PythonContext): void {
  const { module, lines } = ctx;
  const written = writtenLines(ctx);
  // Comments that stand alone on their line, as the author wrote them.
  const ownLine = module.nodes('comment').filter((c) => {
    const row = c.startPosition.row;
    return lines.lineText(row).trimStart().startsWith('#') && (!written || (written[row] ?? '').trimStart().startsWith('#'));
  });
  let run: Node[] = [];
  let intro: Node | undefined;
  const flush = () => {
    while (run.length > 0 && run[run.length - 1].text.replace(/^#/, '').trim() === '') run.pop();
    const code = run.map((c) => c.text.replace(/^#\s?/, ''));
    if (run.length >= MIN_COMMENTED_LINES && !(intro && introducesExample(intro, code)) && parsesAsPython(code)) {
      const first = run[0];
      const last = run[run.length - 1];
      ctx.report(
        rangeOf(first.startPosition.row, first.startPosition.column, last.endPosition.row, last.endPosition.column),
        `${run.length} lines of commented-out code; delete them (version control keeps the history) or turn them into a configurable option`,
        { unnecessary: true, fix: deleteLines(ctx, first, last, `Delete the ${run.length} lines of commented-out code`) },
      );
    }
    run = [];
  };
  let previous: Node | undefined;
  for (const comment of ownLine) {
    const content = comment.text.replace(/^#\s?/, '');
    const continues = run.length > 0 && comment.startPosition.row === run[run.length - 1].startPosition.row + 1;
    if (!continues) flush();
    if (looksLikeCode(content) || (run.length > 0 && continuesCode(content))) {
      if (run.length === 0) intro = previous?.startPosition.row === comment.startPosition.row - 1 ? previous : undefined;
      run.push(comment);
    } else flush();
    previous = comment;
  }
  flush();
}

const REBINDING = new Set(['augmented_assignment', 'for_statement', 'global_statement', 'nonlocal_statement', 'as_pattern_target', 'parameters', 'named_expression']);

/** Module-level names assigned False / 0 exactly once in the module and never rebound. A `None`
 *  is a placeholder for a value to fill in, and a default that a configurator or papermill
 *  replaces at run time is a switch, not a constant. */
function falseFlags(ctx: PythonContext): Set<string> {
  const { module } = ctx;
  const setFalse: string[] = [];
  // The module's own assignments: those its statements hold (an expression statement, or an ERROR).
  for (const assignment of topLevelStatements(module).flatMap((statement) => statement.namedChildren)) {
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    if (left?.type !== 'identifier') continue;
    const value = assignment.childForFieldName('right');
    if (isFalseLiteral(value) && value?.type !== 'none') setFalse.push(left.text);
  }
  const candidates = new Set<string>();
  // Most modules set no name to False at module level; where one does, the assignments are counted
  // and only the identifiers that spell it are asked whether they are written (from each name
  // upwards, the answers shared), not every identifier.
  if (setFalse.length === 0) return candidates;
  const configurable = configurableGlobals(module, ctx.notebook);
  const timesAssigned = new Map<string, number>();
  for (const assignment of module.nodes('assignment')) for (const name of new Set(assignedNames(assignment))) timesAssigned.set(name, (timesAssigned.get(name) ?? 0) + 1);
  for (const name of setFalse) if (!configurable.has(name) && timesAssigned.get(name) === 1) candidates.add(name);
  if (candidates.size === 0) return candidates;
  for (const binding of module.imports) candidates.delete(binding.local);
  for (const id of module.nodes('identifier')) {
    if (candidates.has(id.text) && enclosing(id, REBINDING)) candidates.delete(id.text);
  }
  return candidates;
}

/** Deletes the lines of `node` to `last` whole, when nothing else is written on them. */
function deleteLines(ctx: PythonContext, node: Node, last: Node, title: string): Fix | undefined {
  const { lines } = ctx;
  const first = node.startPosition.row;
  const end = last.endPosition;
  if (lines.lineText(first).slice(0, node.startPosition.column).trim() !== '' || lines.lineText(end.row).slice(end.column).trim() !== '') return undefined;
  const to = end.row + 1 < lines.lineCount ? { line: end.row + 1, character: 0 } : { line: end.row, character: lines.lineText(end.row).length };
  return { title, edits: [{ range: { start: { line: first, character: 0 }, end: to }, newText: '' }] };
}

function reportDeadBranches(ctx: PythonContext): void {
  const flags = falseFlags(ctx);
  for (const statement of ctx.module.nodes('if_statement')) {
    const condition = statement.childForFieldName('condition');
    if (!condition) continue;
    const constant = isFalseLiteral(condition);
    const flag = condition.type === 'identifier' && flags.has(condition.text);
    if (!constant && !flag) continue;
    const consequence = statement.childForFieldName('consequence');
    if (!consequence) continue;
    const why = flag ? `${condition.text} is set to False once and never changed` : `the condition ${condition.text} is never true`;
    // The block goes whole: only without elif / else, and where its block keeps a statement.
    const siblings = statement.parent?.namedChildren.filter((n) => n && n.type !== 'comment') ?? [];
    const deletable = !statement.childForFieldName('alternative') && (statement.parent?.type === 'module' || siblings.length > 1);
    const fix = deletable ? deleteLines(ctx, statement, consequence, `Delete the dead \`if ${condition.text}:\` block`) : undefined;
    ctx.report(
      rangeOf(statement.startPosition.row, statement.startPosition.column, consequence.endPosition.row, consequence.endPosition.column),
      `Dead code: ${why}, so this block never runs; delete it or make the switch a real configuration option`,
      { unnecessary: true, fix },
    );
  }
}

export default defineRule({
  code: 'MLH504',
  name: 'dead-experimental-code',
  summary: 'Code that never runs: if False / constant-false flags, and blocks of commented-out code',
  practices: ['P9'],
  references: ['Sculley et al. 2015: dead experimental codepaths', 'Zinkevich, Rule #22: clean up features you are no longer using'],
  severity: 'information',
  fixable: true,
  roles: PRODUCTION,
  docs: `## What it finds
- \`if False:\` and \`if 0:\` blocks;
- \`if FLAG:\` where \`FLAG\` is a module-level name assigned \`False\` (or \`0\`) once and never
  changed or imported (\`USE_NEW_ENCODER = False\`). A name assigned \`None\` is a placeholder to
  fill in, not a switch, and a default that a run replaces is a real option: a global assigned
  before the script hands its globals to a configurator
  (\`exec(open("configurator.py").read())\`, \`globals().update(...)\`), or set in a notebook's
  papermill \`parameters\` cell;
- blocks of ${MIN_COMMENTED_LINES} or more consecutive comment lines that parse as Python statements once the
  \`#\` is removed. Prose, licence headers and tool directives (\`type: ignore\`, \`noqa\`,
  \`pragma\`, \`fmt: off\`) are not code, nor is a usage example written as comments: a block
  under a \`# Usage:\` or \`# Example:\` line, or indented under a line of prose that ends in a
  colon.

The findings are tagged as unnecessary code, so editors fade them.

Runs on pipeline, serving and library code only: commented-out variants are how exploration and teaching notebooks keep alternatives.

## Why it matters
Experiments leave branches behind: an encoder that was tried, a feature that was switched off.
Each one is code that is read, kept compiling and reasoned about, but never tested in its current
form. Sculley et al. describe how such dead experimental codepaths accumulate until a switch
flipped by mistake sends untested code to production; Zinkevich's rule 22 asks to clean up what
is no longer used.

## How to fix
Delete the code: version control keeps it (the quick fix deletes the block, or the commented-out
lines; an \`if\` with an \`elif\` or \`else\`, or one that is alone in its block, is left to you). If the switch is a real option, move it into the
configuration, give it a test, and remove the dead alternative once a decision is made.

## Example
\`\`\`python
# Before
USE_TARGET_ENCODING = False
if USE_TARGET_ENCODING:
    df = target_encode(df, "city")
# df = df[df.age < 90]
# df["income"] = np.log1p(df["income"])
# df = df.dropna(subset=["income"])

# After
df = one_hot(df, "city")
\`\`\`

## References
- Sculley et al., *Hidden Technical Debt in Machine Learning Systems* (2015): dead experimental codepaths.
- Zinkevich, *Rules of Machine Learning*, Rule #22: "Clean up features you are no longer using."
- ML Hygiene practice P9 (the hidden costs of ML).
`,
  check: {
    python(ctx) {
      reportDeadBranches(ctx);
      reportCommentedCode(ctx);
    },
  },
});
