// V8 runs a function slowly until it has run often enough to be compiled for speed. In a server that
// has just started, the first line typed in a long document waits for that: on the benchmark's
// 5,000-line module its keystrokes took about 40 ms each, the lines after it 15. So a started server
// spends its first idle turns on a module of its own (the rules' examples), analysed as an open
// document is: whole, then a keystroke at a time while a line is typed into it. About a third of a
// second of the server's thread, once, in turns where nothing else waits, until a document is
// edited (server.ts). That module is small, so what runs once per statement of a long module is
// still slow at its first keystrokes, and its first keystroke also makes the document's findings by
// statement (analyze.ts statementLocal); so an opened document is then rehearsed on as well, while
// the user reads it (rehearseKeystroke).
import { Analyzer, kindOf } from '../engine/analyze';
import { Config, DEFAULT_CONFIG } from '../engine/config';
import { docSection } from '../engine/docs';
import { FileFacts, ProjectIndex } from '../engine/project';
import { applyChanges } from '../engine/python/edits';
import { Edit } from '../engine/python/parser';
import { Rule } from '../engine/rule';
import { LineIndex } from '../engine/text';
import { Notice, rangeOf } from '../engine/types';
import { RULES } from '../rules';

const PATH = 'warm-up/examples.py';
/** Typed in front of a definition, as the benchmark types: until its newline, the line and the
 *  definition are one broken statement, which is what most keystrokes of a new line look like. */
const TYPED_LINE = 'warmed_up = True\n';
const PYTHON_BLOCK = /```python\n([\s\S]*?)```/g;

/** The Python examples of the rules' docs (their `## Example` sections). */
export function ruleExamples(rules: readonly Rule[]): string[] {
  return rules.flatMap((rule) => [...docSection(rule, 'Example').matchAll(PYTHON_BLOCK)].map((block) => block[1]));
}

/** The warm-up, one analysis per step (a few ms each, so that a document opened meanwhile does not
 *  wait long): each example on its own, then all of them as one module, then each keystroke of a
 *  line typed in front of the first definition of its second half. Each step gives what stopped or
 *  failed in its analysis (nothing should). Its analyzer is its own: nothing it keeps outlives it. */
export function* warmUpSteps(rules: Rule[] = RULES): Generator<Notice[], void, undefined> {
  const analyzer = new Analyzer(rules, 1);
  const analyse = (text: string, edits?: Edit[]): Notice[] => {
    analyseAsTyped(analyzer, PATH, text, edits, (facts) => new ProjectIndex([{ path: PATH, kind: kindOf(PATH), size: text.length }], new Map([[PATH, facts]])), DEFAULT_CONFIG);
    return analyzer.noticesOf(PATH);
  };
  const examples = ruleExamples(rules);
  for (const example of examples) yield analyse(example);
  let text = examples.join('\n\n');
  yield analyse(text);
  const lines = text.split('\n');
  const line = lines.findIndex((l, i) => i >= lines.length / 2 && l.startsWith('def '));
  if (line < 0) return;
  for (let i = 0; i < TYPED_LINE.length; i++) {
    const typed = applyChanges(text, [{ range: rangeOf(line, i, line, i), text: TYPED_LINE[i] }]);
    text = typed.text;
    yield analyse(text, typed.edits);
  }
}

/** Analyses a text as the server analyses an open document's: parsed (again from the text before,
 *  with `edits`), its live facts, then its file's rules against the index `indexWith` gives. */
function analyseAsTyped(analyzer: Analyzer, path: string, text: string, edits: Edit[] | undefined, indexWith: (facts: FileFacts) => ProjectIndex, config: Config): void {
  analyzer.parse(path, text, edits);
  const facts = analyzer.liveFacts(path, text, config);
  analyzer.analyzeFile(path, text, indexWith(facts), config);
}

/** One rehearsed keystroke in an open Python document whose parse `analyzer` holds (of `text`): a
 *  character typed at the end of the text, then taken back, each text analysed as a keystroke's is.
 *  The findings of both are dropped; the parse and the findings kept by statement are then of `text`
 *  again, as after an undo, and what runs at a keystroke has run on a module of the document's size.
 *  The index is `index` throughout: the rehearsed text's facts go nowhere. */
export function rehearseKeystroke(analyzer: Analyzer, path: string, text: string, index: ProjectIndex, config: Config): void {
  const end = new LineIndex(text).positionAt(text.length);
  const typed = applyChanges(text, [{ range: rangeOf(end.line, end.character, end.line, end.character), text: REHEARSED_CHARACTER }]);
  const undone = applyChanges(typed.text, [{ range: rangeOf(end.line, end.character, end.line, end.character + REHEARSED_CHARACTER.length), text: '' }]);
  for (const step of [typed, undone]) analyseAsTyped(analyzer, path, step.text, step.edits, () => index, config);
}

/** A name's first letter: after a module's last newline it starts a statement of its own, as most
 *  typing does. */
const REHEARSED_CHARACTER = 'x';
