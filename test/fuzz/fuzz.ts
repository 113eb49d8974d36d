// The fuzzer: `npm run fuzz -- --seconds N [--seed S]` mutates the rule fixtures and the example
// projects and checks each input through the engine (in a worker thread), the command line (a real
// process on a temporary folder) and a long-lived language server (a real process over stdio, with
// rapid incremental edits). No exception may escape, no input may overrun its budget, the server
// must keep answering, and after 1,000 rapid edits its diagnostics must equal a fresh server's.
// Some inputs sit in folders of hostile names, whose Markdown report is checked; each input also
// comes with a hostile project name for the scaffold, whose every generated file must parse and say
// what a tame name's scaffold says. The corpus also holds generated inputs of the shapes that once
// made the analysis super-linear (test/support/inputShapes.ts).
// Failing inputs are saved under fuzz-failures/ (git-ignored); `--replay FILE...` checks them again.
// Inputs are a function of the seed and their number: the same seed tries the same inputs.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { initPython } from '../../server/src/engine/python/parser';
import { HOSTILE_PROJECT_NAMES } from '../support/scaffoldMeaning';
import { checkWithCli } from './cli';
import { EngineCheck } from './engine';
import { CorpusFile, FuzzInput, generate, generateProjectName, randomFor } from './mutate';
import { PROJECT_NAME_FILE, scaffoldProblem } from './scaffold';
import { ServerCheck } from './server';
import { INPUT_SHAPES } from '../support/inputShapes';

const REPO = path.resolve(__dirname, '../..'); // bundled to out/fuzz/
const CORPUS_DIRS = ['test/fixtures', 'examples'];
const FAILURES_DIR = path.join(REPO, 'fuzz-failures');
/** Generous wall-clock limits: a slow machine must not fail the run, a hang must. */
const ENGINE_BUDGET_MS = 10_000;
const SERVER_BUDGET_MS = 30_000;
const CLI_BUDGET_MS = 30_000;
const CLI_BATCH = 8;
/** One input in this many also gets the session of 1,000 edits compared with a fresh server. */
const EDIT_SESSION_EVERY = 25;
const MAX_CORPUS_FILE_BYTES = 256 * 1024;

interface Args {
  seconds: number;
  seed: number;
  replay: string[];
}

const USAGE = 'usage: npm run fuzz -- [--seconds N] [--seed S] [--replay FILE...]';

function parseArgs(argv: string[]): Args {
  const args: Args = { seconds: 60, seed: Date.now() % 1_000_000, replay: [] };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${argv[i - 1]} needs a whole number\n${USAGE}`);
      return v;
    };
    if (argv[i] === '--seconds') args.seconds = value();
    else if (argv[i] === '--seed') args.seed = value();
    else if (argv[i] === '--replay') args.replay.push(...argv.slice(i + 1)), (i = argv.length);
    else throw new Error(`unknown argument ${argv[i]}\n${USAGE}`);
  }
  return args;
}

function corpusFiles(): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && fs.statSync(full).size <= MAX_CORPUS_FILE_BYTES) {
        out.push({ source: path.relative(REPO, full).split(path.sep).join('/'), bytes: fs.readFileSync(full) });
      }
    }
  };
  for (const dir of CORPUS_DIRS) walk(path.join(REPO, dir));
  // The shapes that once made the analysis super-linear, at the size the growth test starts from.
  for (const shape of INPUT_SHAPES) {
    for (const [file, text] of Object.entries(shape.files(shape.n))) out.push({ source: `${shape.name}/${file}`, bytes: Buffer.from(text) });
  }
  return out;
}

interface Failure {
  input: FuzzInput;
  check: string;
  problem: string;
  saved: string;
}

class Run {
  readonly failures: Failure[] = [];
  readonly tried = new Map<string, number>();
  readonly slowest: { ms: number; what: string }[] = [];
  counts = { inputs: 0, engine: 0, server: 0, cli: 0, cliRuns: 0, editSessions: 0, projectNames: 0 };

  constructor(private readonly seed: number) {}

  count(input: FuzzInput): void {
    this.counts.inputs++;
    for (const m of new Set(input.mutations)) this.tried.set(m, (this.tried.get(m) ?? 0) + 1);
  }

  timed(ms: number, what: string): void {
    this.slowest.push({ ms, what });
    this.slowest.sort((a, b) => b.ms - a.ms);
    this.slowest.length = Math.min(this.slowest.length, 5);
  }

  fail(input: FuzzInput, check: string, problem: string, extra?: { name: string; text: string }): void {
    const dir = path.join(FAILURES_DIR, `seed${this.seed}-input${input.index}-${check}`);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, input.name), input.bytes);
    if (extra) fs.writeFileSync(path.join(dir, extra.name), extra.text);
    const folder = input.folder === undefined ? '' : ` in the folder ${JSON.stringify(input.folder)}`;
    const description = `${check}: ${problem}\ninput ${input.index} (${input.name})${folder} from ${input.origin}, mutations: ${input.mutations.join(', ')}\n`;
    fs.writeFileSync(path.join(dir, 'failure.txt'), description);
    const saved = path.relative(process.cwd(), path.join(dir, input.name));
    this.failures.push({ input, check, problem, saved });
    console.log(`FAIL ${check} on input ${input.index} (${input.name} from ${input.origin}; ${input.mutations.join(', ')}): ${problem.split('\n')[0].slice(0, 300)}\n     saved: ${saved}`);
  }
}

/** The text the edits left, saved beside a failing input (replay it as an input of its own). */
function editedText(input: FuzzInput, text: string | undefined): { name: string; text: string } | undefined {
  return text === undefined ? undefined : { name: `edited-${input.name}`, text };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const corpus = corpusFiles();
  await initPython();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-fuzz-'));
  const serverRoot = path.join(work, 'workspace');
  fs.mkdirSync(serverRoot);
  const engine = new EngineCheck(path.join(__dirname, 'engineWorker.js'), ENGINE_BUDGET_MS);
  const server = new ServerCheck(path.join(REPO, 'server/out/server.js'), serverRoot, SERVER_BUDGET_MS);
  const bin = path.join(REPO, 'bin/ml-hygiene.js');
  const run = new Run(args.seed);
  const replaying = args.replay.length > 0;
  console.log(
    replaying
      ? `Replaying ${args.replay.length} saved input(s).`
      : `Fuzzing for ${args.seconds} s with seed ${args.seed} (replay with --seed ${args.seed}): ${corpus.length} corpus files from ${CORPUS_DIRS.join(', ')} and generated shapes.`,
  );
  const started = Date.now();
  let lastProgress = started;
  const cliBatch: FuzzInput[] = [];
  const flushCli = async () => {
    if (!cliBatch.length) return;
    const batch = cliBatch.splice(0);
    run.counts.cli += batch.length;
    run.counts.cliRuns++;
    const t = Date.now();
    for (const failure of await checkWithCli(bin, work, batch, CLI_BUDGET_MS)) run.fail(failure.input, 'cli', failure.problem);
    run.timed(Date.now() - t, `cli on ${batch.length} inputs`);
  };
  try {
    const inputs: Iterator<FuzzInput> = replaying
      ? args.replay.map((file, i): FuzzInput => ({ index: i, name: path.basename(file), bytes: fs.readFileSync(file), origin: file, mutations: ['replay'] })).values()
      : (function* () {
          for (let index = 0; ; index++) yield generate(args.seed, index, corpus);
        })();
    for (let next = inputs.next(); !next.done; next = inputs.next()) {
      if (!replaying && Date.now() - started > args.seconds * 1000) break;
      const input = next.value;
      run.count(input);
      const random = randomFor(args.seed, input.index, 1);
      const describe = `input ${input.index} (${input.name}, ${input.bytes.length} bytes; ${input.mutations.join(', ')})`;

      const engineOutcome = await engine.check({ name: input.name, bytes: input.bytes });
      run.counts.engine++;
      run.timed(engineOutcome.ms, `engine on ${describe}`);
      if (!engineOutcome.ok) run.fail(input, 'engine', engineOutcome.problem);

      const serverOutcome = await server.check(input, random.int(0, 40), random);
      run.counts.server++;
      run.timed(serverOutcome.ms, `server on ${describe}`);
      if (!serverOutcome.ok) run.fail(input, 'server', serverOutcome.problem, editedText(input, serverOutcome.finalText));

      if (replaying || input.index % EDIT_SESSION_EVERY === EDIT_SESSION_EVERY - 1) {
        const session = await server.editSession(input, random);
        run.counts.editSessions++;
        if (!session.ok) run.fail(input, 'edits', session.problem, editedText(input, session.finalText));
      }

      const projectName = replaying
        ? input.name === PROJECT_NAME_FILE
          ? { name: JSON.parse(input.bytes.toString('utf8')) as string, mutations: ['replay'] }
          : undefined
        : generateProjectName(args.seed, input.index, HOSTILE_PROJECT_NAMES);
      if (projectName) {
        run.counts.projectNames++;
        const problem = scaffoldProblem(projectName.name);
        const saved = { index: input.index, name: PROJECT_NAME_FILE, bytes: Buffer.from(JSON.stringify(projectName.name)), origin: 'project names', mutations: projectName.mutations };
        if (problem) run.fail(saved, 'scaffold', problem);
      }

      cliBatch.push(input);
      if (cliBatch.length >= (replaying ? 1 : CLI_BATCH)) await flushCli();
      if (Date.now() - lastProgress > 15_000) {
        lastProgress = Date.now();
        console.log(`  ${Math.round((lastProgress - started) / 1000)} s: ${run.counts.inputs} inputs, ${run.failures.length} failure(s)`);
      }
    }
    await flushCli();
  } finally {
    engine.stop();
    await server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const { counts } = run;
  console.log(`\nTried ${counts.inputs} inputs in ${Math.round((Date.now() - started) / 1000)} s:`);
  console.log(`  engine: ${counts.engine}; language server: ${counts.server} opened and edited, ${counts.editSessions} sessions of 1,000 edits compared with a fresh server; command line: ${counts.cli} in ${counts.cliRuns} runs; scaffold: ${counts.projectNames} project names`);
  console.log(`  mutations: ${[...run.tried].sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(', ')}`);
  console.log(`  slowest: ${run.slowest.map((s) => `${s.ms} ms ${s.what}`).join('\n           ')}`);
  if (!run.failures.length) {
    console.log('No failure.');
    return 0;
  }
  console.log(`\n${run.failures.length} failure(s):`);
  for (const f of run.failures) console.log(`  ${f.check} on input ${f.input.index}: ${f.problem.split('\n')[0].slice(0, 300)}\n    replay: npm run fuzz -- --replay ${f.saved}`);
  return 1;
}

main().then(
  (status) => (process.exitCode = status),
  (e) => {
    console.error((e as Error).message ?? e);
    process.exitCode = 2;
  },
);
