// Generated inputs of the shapes that once made the analysis super-linear (issue "Never slow on any
// input"): long requirement files, long scripts with many config reads, deep nesting of one
// expression, deep indentation, long lines. Each shape makes a project of size n; the growth test
// compares the work of n and 2n, and the fuzzer seeds its inputs with them.

export interface InputShape {
  /** What grows with n, in a few words. */
  name: string;
  /** A size at which the work of the input outweighs the fixed cost of a scan. */
  n: number;
  /** The project's files (relative path -> text) at size n. */
  files(n: number): Record<string, string>;
}

const PACKAGES = ['numpy', 'pandas', 'scikit-learn', 'torch', 'xgboost', 'lightgbm', 'mlflow', 'fastapi', 'pydantic', 'PyYAML'];
const HASH = 'sha256:' + '3f2a'.repeat(16);

function lines(n: number, line: (i: number) => string): string {
  let text = '';
  for (let i = 0; i < n; i++) text += line(i);
  return text;
}

/** A FastAPI app whose handler returns `expression`. */
function servingApp(expression: string): Record<string, string> {
  return {
    'requirements.txt': 'fastapi==0.110.0\nscikit-learn==1.4.2\n',
    'app/main.py': `import joblib
from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()
model = joblib.load("models/model.joblib")


class Features(BaseModel):
    age: float
    income: float


@app.post("/predict")
def predict(features: Features):
    x = [[features.age, features.income]]
    return ${expression}
`,
  };
}

/** A training script whose statements are `line(i)` for i < n. */
function trainingScript(n: number, line: (i: number) => string): Record<string, string> {
  return {
    'requirements.txt': 'numpy==1.26.4\nscikit-learn==1.4.2\n',
    'train.py': `import numpy as np\nfrom sklearn.linear_model import LogisticRegression\n\n${lines(n, line)}`,
  };
}

export const INPUT_SHAPES: InputShape[] = [
  {
    name: 'a requirements file of many pins, ranges, markers, hashes and comments',
    n: 2000,
    files: (n) => ({
      'requirements.txt': lines(n, (i) => {
        const name = `${PACKAGES[i % PACKAGES.length]}-${i}`;
        switch (i % 5) {
          case 0:
            return `${name}==1.${i % 9}.0  # pinned for reproducibility\n`;
          case 1:
            return `${name}>=2.0,<3 ; python_version >= "3.9"\n`;
          case 2:
            return `${name}==0.${i % 7} \\\n    --hash=${HASH} \\\n    --hash=${HASH}\n`;
          case 3:
            return `# ${name} is only needed for the notebooks\n`;
          default:
            return `${name}[extra]~=4.1\n`;
        }
      }),
    }),
  },
  {
    name: 'a requirement continued over many lines',
    n: 2000,
    files: (n) => ({ 'requirements.txt': `torch==2.2.0 \\\n${lines(n, () => `    --hash=${HASH} \\\n`)}    --hash=${HASH}\n` }),
  },
  {
    name: 'a requirement line of long runs of blanks',
    n: 20_000,
    files: (n) => ({ 'requirements.txt': `numpy==1.26.4${' \t'.repeat(n)}x\nscikit-learn${' '.repeat(n)}\\y\n` }),
  },
  {
    name: 'a training script that reads its config many times',
    n: 100,
    files: (n) => ({
      'params.yaml': `train:\n${lines(50, (i) => `  lr_${i}: 0.0${i % 9 + 1}\n`)}model:\n  layers: 3\n`,
      'requirements.txt': 'torch==2.2.0\nPyYAML==6.0.1\n',
      'train.py': `import yaml
import torch

with open("params.yaml") as f:
    cfg = yaml.safe_load(f)
params = yaml.safe_load(open("params.yaml"))

${lines(
  n,
  (i) => `lr_${i} = cfg["train"]["lr_${i % 50}"]
batch_${i} = params.get("batch_${i % 30}", 32)
layers_${i} = cfg.model.layers
cfg = yaml.safe_load(open("params.yaml"))
train_cfg = cfg["train"]


def step_${i}(cfg, model, batch):
    optimizer = torch.optim.SGD(model.parameters(), lr=cfg["train"]["lr_${i % 50}"])
    loss = model(batch).sum()
    loss.backward()
    optimizer.step()
    return cfg.train.epochs, train_cfg["lr_${i % 50}"]

`,
)}`,
    }),
  },
  {
    name: 'calls nested one in another in a request handler',
    n: 90,
    files: (n) => servingApp(`${'float('.repeat(n)}model.predict(x)[0]${')'.repeat(n)}`),
  },
  {
    name: 'a chain of method calls in a request handler',
    n: 1000,
    files: (n) => servingApp(`model${'.predict(x).tolist()'.repeat(n)}`),
  },
  {
    name: 'a chain of attributes and subscripts in a request handler',
    n: 1000,
    files: (n) => servingApp(`model${'.classes_["label"][0]'.repeat(n)}`),
  },
  {
    name: 'a chain of calls of calls in a request handler',
    n: 1000,
    files: (n) => servingApp(`model.predict(x)${'(x)'.repeat(n)}`),
  },
  {
    name: 'binary and boolean operators in a request handler',
    n: 1000,
    files: (n) => servingApp(`${'model.predict(x)[0] * 0.5 + '.repeat(n)}0 if x ${'and x '.repeat(n)}else None`),
  },
  {
    name: 'conditional expressions and lambdas nested in a request handler',
    n: 500,
    files: (n) => servingApp(`${'model.predict(x) if x else '.repeat(n)}None, ${'lambda x: '.repeat(n)}model.predict(x)`),
  },
  {
    name: 'blocks indented deep, within what Python accepts',
    n: 45,
    files: (n) => trainingScript(1, () => lines(n, (i) => `${'    '.repeat(i)}for epoch_${i} in range(3):\n`) + `${'    '.repeat(n)}model = LogisticRegression().fit(X, y)\n`),
  },
  {
    name: 'blocks indented deeper than Python accepts',
    n: 1000,
    files: (n) => trainingScript(1, () => lines(n, (i) => `${' '.repeat(i)}if x == np.nan:\n`) + `${' '.repeat(n)}pass\n`),
  },
  {
    name: 'a long line of list items',
    n: 20_000,
    files: (n) => trainingScript(1, () => `weights = np.array([${'0.5, '.repeat(n)}])\n`),
  },
  {
    // Work inside tree-sitter's query engine is not counted: this shape once made one query of the
    // tree index quadratic in the depth of the tree, which the fuzzer found.
    name: 'a long line summing many terms, a tree as deep as the line is long',
    n: 5000,
    files: (n) => trainingScript(1, () => `total = ${'x + '.repeat(n)}x\n`),
  },
  {
    name: 'a long line of arguments',
    n: 5000,
    files: (n) => trainingScript(1, () => `model = LogisticRegression(${lines(n, (i) => `C${i}=1.0, `)}).fit(X, y)\n`),
  },
  {
    name: 'a long string and a long comment',
    n: 50_000,
    files: (n) => trainingScript(1, () => `path = "${'data/'.repeat(n)}train.csv"\n# ${'lr = 0.1 '.repeat(n)}\n`),
  },
  {
    name: 'many statements of a long script',
    n: 400,
    files: (n) =>
      trainingScript(n, (i) => `X_${i} = np.random.rand(100, 4)\nmodel_${i} = LogisticRegression(C=0.${i % 9 + 1}).fit(X_${i}, X_${i}[:, 0] > 0.5)\nprint(model_${i}.score(X_${i}, X_${i}[:, 0] > 0.5))\n`),
  },
];
