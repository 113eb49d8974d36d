// Worker thread of the fuzzer's engine check: analyses one input as the scan does (facts, every
// file rule, the project rules over a project of that one file), in a thread the fuzzer can stop
// when an input takes too long. An exception is reported with its stack, never swallowed.
import { parentPort } from 'worker_threads';
import { Analyzer, kindOf } from '../../server/src/engine/analyze';
import { DEFAULT_CONFIG } from '../../server/src/engine/config';
import { ProjectIndex } from '../../server/src/engine/project';
import { initPython } from '../../server/src/engine/python/parser';
import { decodeBytes } from '../../server/src/engine/text';
import { isProjectDocument } from '../../server/src/engine/workspace';

export interface EngineRequest {
  name: string;
  bytes: Uint8Array;
}

export type EngineReply = { ok: true; findings: number } | { ok: false; error: string };

const ready = initPython();

function analyse({ name, bytes }: EngineRequest): EngineReply {
  const { text } = decodeBytes(bytes);
  if (text === undefined) return { ok: true, findings: 0 };
  const analyzer = new Analyzer();
  const file = { path: name, kind: kindOf(name), size: text.length };
  const facts = new Map([[name, analyzer.facts(name, text)]]);
  const documents = new Map(isProjectDocument(file) ? [[name, text]] : []);
  const index = new ProjectIndex([file], facts, documents);
  const findings = analyzer.analyzeFile(name, text, index, DEFAULT_CONFIG).length + analyzer.analyzeProject(index, DEFAULT_CONFIG).length;
  analyzer.forget(name);
  return { ok: true, findings };
}

parentPort?.on('message', async (request: EngineRequest) => {
  await ready;
  let reply: EngineReply;
  try {
    reply = analyse(request);
  } catch (e) {
    reply = { ok: false, error: (e as Error)?.stack ?? String(e) };
  }
  parentPort!.postMessage(reply);
});
