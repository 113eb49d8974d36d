// Small generated projects in temporary folders, for tests that scan a real tree on disk.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The repository root, from a bundled test in out/test/<dir>/. */
export const REPO = path.resolve(__dirname, '../../..');

/** A Python module with one MLH106 finding: line 4, columns 8 to 19 (1-based, end exclusive). */
export const NAN_MODULE = `import numpy as np

def clean(x):
    if x == np.nan:
        return 0.0
    return x
`;

/** The same module without the finding. */
export const CLEAN_MODULE = NAN_MODULE.replace('x == np.nan', 'np.isnan(x)');

export type Tree = Record<string, string | Uint8Array>;

/** Writes `files` (relative path -> content) into a new temporary folder and returns its path. */
export function makeProject(files: Tree): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlh-test-'));
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Tree): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
}

export function removeProject(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

export interface CellSpec {
  type: 'code' | 'markdown';
  source: string;
  executionCount?: number | null;
}

/** An nbformat 4 notebook, its sources split into lines as Jupyter writes them. */
export function notebookJson(cells: CellSpec[]): string {
  return JSON.stringify(
    {
      cells: cells.map((c) => ({
        cell_type: c.type,
        metadata: {},
        source: c.source.split(/(?<=\n)/),
        ...(c.type === 'code' ? { execution_count: c.executionCount ?? null, outputs: [] } : {}),
      })),
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  );
}

/** A project of every kind of input the engine must survive (issue "bad input"), beside one good
 *  module with an MLH106 finding. Returns the relative paths of the bad files. */
export function writeBadInputProject(root: string): string[] {
  const bad: Tree = {
    'broken.py': 'import numpy as np\n\ndef train(:\n    return ((\n',
    'broken.ipynb': '{"cells": [{"cell_type": "code", "source": ["x = 1"',
    'config/params.yaml': 'train:\n  lr: [0.1, 0.2\n  epochs: {\n',
    'binary.py': new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x10]),
    // Latin-1 bytes (é = 0xE9) that are not valid UTF-8, in a module that still has a finding.
    'latin1.py': Buffer.from('import numpy as np\nname = "caf\xe9"\nif name == np.nan:\n    pass\n', 'latin1'),
  };
  writeFiles(root, { 'good.py': NAN_MODULE, ...bad });
  // 20 MB of Python, above the default size limit.
  const line = 'feature_value = compute_feature(row, window=30, min_periods=5)  # padding\n';
  fs.writeFileSync(path.join(root, 'huge.py'), line.repeat(Math.ceil((20 * 1024 * 1024) / line.length)));
  fs.mkdirSync(path.join(root, 'loop'));
  fs.symlinkSync('..', path.join(root, 'loop', 'parent'), 'dir');
  return [...Object.keys(bad), 'huge.py', 'loop/parent'];
}

/** Text that only the files outside a hostile repository hold: no output may show it. */
export const OUTSIDE_MARKER = 'outside-marker-5c1e';

/** A repository whose symbolic links lead out of it, beside the folder they lead to: a requirements
 *  file whose package name (the marker) a finding would quote, a folder of data with an email
 *  address, a configuration whose unknown key an error would quote, a README and a module, each
 *  holding the marker. Returns the repository's path and the names of its links. */
export function writeOutsideLinksProject(base: string): { root: string; links: string[] } {
  const outside = path.join(base, 'outside');
  writeFiles(outside, {
    'requirements.txt': `${OUTSIDE_MARKER}\nscikit-learn\n`,
    'data/customers.csv': `customer_id,email,note\n1,maria.keller@gmx.de,${OUTSIDE_MARKER}\n`,
    'lint.yaml': `${OUTSIDE_MARKER}: true\n`,
    'README.md': `# ${OUTSIDE_MARKER}\n`,
    'features.py': `# ${OUTSIDE_MARKER}\nimport numpy as np\n\nmissing = 1.0 == np.nan\napi_key = "${OUTSIDE_MARKER}-sk-live-9f8e7d6c5b4a"\n`,
  });
  const root = path.join(base, 'repo');
  writeFiles(root, { 'train.py': NAN_MODULE, 'src/__init__.py': '' });
  const links: Record<string, string> = {
    'requirements.txt': '../outside/requirements.txt',
    data: '../outside/data',
    '.ml-hygiene.yaml': '../outside/lint.yaml',
    'README.md': path.join(outside, 'README.md'), // an absolute link
    'src/features.py': '../../outside/features.py',
  };
  for (const [link, target] of Object.entries(links)) fs.symlinkSync(target, path.join(root, link));
  return { root, links: Object.keys(links) };
}

/** A hash of every path and byte under `root`, links as their targets. */
export function treeHash(root: string): string {
  const hash = createHash('sha256');
  const visit = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = path.join(rel, entry.name);
      hash.update(`${child}\0`);
      if (entry.isSymbolicLink()) hash.update(fs.readlinkSync(path.join(root, child)));
      else if (entry.isDirectory()) visit(child);
      else hash.update(fs.readFileSync(path.join(root, child)));
    }
  };
  visit('');
  return hash.digest('hex');
}
