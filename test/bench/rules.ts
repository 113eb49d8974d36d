// The rules' part of the benchmark (`npm run bench -- --rules [DIR]`): the CPU time of each file
// rule's check (on a busy machine the wall clock says mostly how long it waited), in this thread,
// over every file of DIR (default: the generated corpus) and over keystrokes in the generated
// 5,000-line module. The analyses several rules share are cached on the module, so
// their cost counts for the first rule that asks. It prints numbers; it asserts nothing.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Analyzer } from '../../server/src/engine/analyze';
import { Config } from '../../server/src/engine/config';
import { RuleChecks } from '../../server/src/engine/rule';
import { scanProject } from '../../server/src/engine/scan';
import { RULES } from '../../server/src/rules';
import { longModule } from './corpus';

const SHOWN = 12;
const LONG_MODULE_LINES = 5000;
const KEYSTROKES = 20;
const FILE_SCOPES = ['python', 'notebook', 'yaml'] as const;

/** CPU milliseconds spent in each rule's file checks while `work` runs. */
function timeRules(work: () => void): Map<string, number> {
  const spent = new Map<string, number>();
  const originals = RULES.map((rule) => ({ ...rule.check }));
  for (const rule of RULES) {
    for (const scope of FILE_SCOPES) {
      const check = rule.check[scope] as ((ctx: unknown) => void) | undefined;
      if (!check) continue;
      (rule.check as Record<string, unknown>)[scope] = (ctx: unknown) => {
        const start = process.cpuUsage();
        try {
          check(ctx);
        } finally {
          const used = process.cpuUsage(start);
          spent.set(rule.code, (spent.get(rule.code) ?? 0) + (used.user + used.system) / 1000);
        }
      };
    }
  }
  try {
    work();
  } finally {
    RULES.forEach((rule, i) => Object.assign(rule.check, originals[i] as RuleChecks));
  }
  return spent;
}

function print(label: string, spent: Map<string, number>, per = 1): void {
  const total = [...spent.values()].reduce((a, b) => a + b, 0);
  const slowest = [...spent].sort((a, b) => b[1] - a[1]).slice(0, SHOWN);
  console.log(`rules on ${label}: ${(total / per).toFixed(1)} ms of CPU in all; slowest: ${slowest.map(([code, ms]) => `${code} ${(ms / per).toFixed(1)}`).join(', ')}`);
}

/** Every rule, the opt-in ones too. */
const everyRule = (config: Config): Config => ({ ...config, select: ['MLH'] });

export async function benchRules(root: string, files: { path: string; text: string }[], config: Config): Promise<void> {
  const all = everyRule(config);
  const { index } = await scanProject(root, { config: all, workers: 0 });
  const analyzer = new Analyzer(RULES, files.length + 1);
  for (const f of files) analyzer.facts(f.path, f.text);
  print(`${files.length} files (ms)`, timeRules(() => files.forEach((f) => analyzer.analyzeFile(f.path, f.text, index, all))));

  // Keystrokes: each a new version of the text, parsed anew, as the server analyses an edit.
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-bench-rules-'));
  try {
    const file = 'pipeline/train_all.py';
    const text = longModule(LONG_MODULE_LINES);
    fs.mkdirSync(path.join(folder, 'pipeline'));
    fs.writeFileSync(path.join(folder, file), text);
    const long = await scanProject(folder, { config: all, workers: 0 });
    const typing = new Analyzer(RULES);
    const spent = timeRules(() => {
      for (let n = 0; n < KEYSTROKES; n++) typing.analyzeFile(file, `${text}\nextra_${n} = ${n}\n`, long.index, all);
    });
    print(`the ${LONG_MODULE_LINES}-line file (ms per keystroke)`, spent, KEYSTROKES);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}
