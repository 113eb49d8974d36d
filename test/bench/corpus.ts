// A generated ML repository for the benchmark and the worker tests: training scripts, feature
// modules, torch models, serving code, tests, notebooks, params.yaml and requirements files, varied
// by a seeded random generator so that the same count always gives the same files.
import * as fs from 'fs';
import * as path from 'path';

export type CorpusKind = 'train' | 'features' | 'torch' | 'serving' | 'test' | 'notebook' | 'params' | 'requirements';

export interface CorpusFile {
  path: string;
  kind: CorpusKind;
}

/** How many files of each kind, per 20 files. */
const MIX: [CorpusKind, number][] = [
  ['train', 3],
  ['features', 4],
  ['torch', 2],
  ['serving', 2],
  ['test', 3],
  ['notebook', 3],
  ['params', 2],
  ['requirements', 1],
];

// mulberry32: small, fast, deterministic.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DOMAINS = ['churn', 'fraud', 'demand', 'credit', 'pricing', 'ranking', 'sentiment', 'retention', 'anomaly', 'forecast', 'ctr', 'ltv'];
const COLUMNS = ['age', 'income', 'tenure_months', 'balance', 'num_products', 'amount', 'merchant_risk', 'days_since_last', 'clicks_7d', 'sessions_30d', 'basket_size', 'discount_rate', 'region_code', 'temperature', 'price'];
const ESTIMATORS: [string, string, string][] = [
  ['sklearn.ensemble', 'RandomForestClassifier', 'n_estimators=300, max_depth=12, random_state=SEED'],
  ['sklearn.ensemble', 'GradientBoostingClassifier', 'learning_rate=0.05, n_estimators=400, random_state=SEED'],
  ['sklearn.linear_model', 'LogisticRegression', 'C=0.5, max_iter=2000'],
  ['xgboost', 'XGBClassifier', 'n_estimators=500, learning_rate=0.03, max_depth=6, subsample=0.8'],
  ['lightgbm', 'LGBMClassifier', 'num_leaves=63, learning_rate=0.05, n_estimators=600'],
];

type Rand = () => number;
const pick = <T>(rand: Rand, list: readonly T[]): T => list[Math.floor(rand() * list.length)];
const pickSome = <T>(rand: Rand, list: readonly T[], n: number): T[] => [...list].sort(() => rand() - 0.5).slice(0, n);
const between = (rand: Rand, lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));

function trainScript(rand: Rand, domain: string): string {
  const [pkg, cls, hyper] = pick(rand, ESTIMATORS);
  const features = pickSome(rand, COLUMNS, between(rand, 4, 9));
  const steps = Array.from({ length: between(rand, 1, 4) }, (_, i) => `
def add_interaction_${i}(df: pd.DataFrame) -> pd.DataFrame:
    """Interaction of ${features[i % features.length]} and ${features[(i + 1) % features.length]}."""
    out = df.copy()
    out["inter_${i}"] = out["${features[i % features.length]}"] * out["${features[(i + 1) % features.length]}"]
    return out
`).join('');
  return `"""Trains the ${domain} model and logs it to the experiment tracker."""
import argparse
import json
import logging
from pathlib import Path

import joblib
import mlflow
import numpy as np
import pandas as pd
import yaml
from ${pkg} import ${cls}
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = ${between(rand, 1, 9999)}
FEATURES = ${JSON.stringify(features)}
TARGET = "${domain}_label"
logger = logging.getLogger(__name__)
${steps}

def load_params(path: str) -> dict:
    with open(path) as f:
        return yaml.safe_load(f)


def load_data(path: str) -> pd.DataFrame:
    df = pd.read_csv(path, usecols=FEATURES + [TARGET])
    df = df.dropna(subset=[TARGET])
    logger.info("loaded %d rows from %s", len(df), path)
    return df


def train(params: dict) -> dict:
    df = load_data(params["data"]["train_path"])
    X_train, X_test, y_train, y_test = train_test_split(
        df[FEATURES], df[TARGET], test_size=params["split"]["test_size"], random_state=SEED, stratify=df[TARGET]
    )
    scaler = StandardScaler().fit(X_train)
    model = ${cls}(${hyper})
    model.fit(scaler.transform(X_train), y_train)
    proba = model.predict_proba(scaler.transform(X_test))[:, 1]
    metrics = {
        "auc": float(roc_auc_score(y_test, proba)),
        "f1": float(f1_score(y_test, proba > params["eval"]["threshold"])),
        "positives": int(np.sum(y_test)),
    }
    with mlflow.start_run(run_name="${domain}-${cls.toLowerCase()}"):
        mlflow.log_params(params["model"])
        mlflow.log_metrics(metrics)
    out = Path(params["output"]["dir"])
    out.mkdir(parents=True, exist_ok=True)
    joblib.dump({"model": model, "scaler": scaler}, out / "model.joblib")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    return metrics


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", default="configs/${domain}/params.yaml")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    print(train(load_params(args.params)))
`;
}

/** A feature module; each has one NaN comparison (MLH106), on a known line. */
function featureModule(rand: Rand, domain: string): string {
  const columns = pickSome(rand, COLUMNS, between(rand, 3, 7));
  const transforms = columns
    .map(
      (col, i) => `
def ${col}_features(df: pd.DataFrame, window: int = ${between(rand, 3, 30)}) -> pd.DataFrame:
    """Rolling statistics of ${col} per customer."""
    grouped = df.groupby("customer_id")["${col}"]
    out = pd.DataFrame(index=df.index)
    out["${col}_mean"] = grouped.transform(lambda s: s.rolling(window, min_periods=1).mean())
    out["${col}_std"] = grouped.transform(lambda s: s.rolling(window, min_periods=2).std()).fillna(0.0)
    out["${col}_zscore"] = (df["${col}"] - out["${col}_mean"]) / (out["${col}_std"] + 1e-9)
    out["${col}_log"] = np.log1p(df["${col}"].clip(lower=0))
    ${i % 2 ? `out["${col}_rank"] = df["${col}"].rank(pct=True)` : `out["${col}_bucket"] = pd.qcut(df["${col}"], q=${between(rand, 4, 10)}, labels=False, duplicates="drop")`}
    return out
`,
    )
    .join('');
  return `"""Feature engineering for the ${domain} model. Shared by training and serving."""
from __future__ import annotations

import numpy as np
import pandas as pd

CATEGORICAL = ["region_code", "channel"]


def drop_missing_target(df: pd.DataFrame, target: str) -> pd.DataFrame:
    # Bug kept on purpose: NaN never equals NaN.
    missing = df[df[target] == np.nan]
    return df.drop(index=missing.index)


def encode_categoricals(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in CATEGORICAL:
        if col in out:
            out[col] = out[col].astype("category").cat.codes
    return out
${transforms}

def build_features(df: pd.DataFrame) -> pd.DataFrame:
    parts = [encode_categoricals(df)]
${columns.map((c) => `    parts.append(${c}_features(df))`).join('\n')}
    return pd.concat(parts, axis=1)
`;
}

function torchModel(rand: Rand, domain: string): string {
  const hidden = pick(rand, [64, 128, 256, 512]);
  const layers = between(rand, 2, 5);
  return `"""A ${layers}-layer MLP for ${domain}, trained with early stopping."""
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset


class ${domain[0].toUpperCase() + domain.slice(1)}Net(nn.Module):
    def __init__(self, n_features: int, hidden: int = ${hidden}, dropout: float = ${(rand() * 0.5).toFixed(2)}):
        super().__init__()
        blocks = []
        width = n_features
        for _ in range(${layers}):
            blocks += [nn.Linear(width, hidden), nn.ReLU(), nn.Dropout(dropout)]
            width = hidden
        self.body = nn.Sequential(*blocks)
        self.head = nn.Linear(width, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x)).squeeze(-1)


def fit(model: nn.Module, X: torch.Tensor, y: torch.Tensor, epochs: int = ${between(rand, 5, 50)}, lr: float = 1e-3) -> list[float]:
    torch.manual_seed(${between(rand, 0, 1000)})
    loader = DataLoader(TensorDataset(X, y), batch_size=${pick(rand, [32, 64, 128, 256])}, shuffle=True, generator=torch.Generator().manual_seed(0))
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    loss_fn = nn.BCEWithLogitsLoss()
    history = []
    best, patience = float("inf"), 0
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(xb)
        epoch_loss = total / len(loader.dataset)
        history.append(epoch_loss)
        if epoch_loss < best - 1e-4:
            best, patience = epoch_loss, 0
        else:
            patience += 1
            if patience >= 5:
                break
    return history


@torch.no_grad()
def predict(model: nn.Module, X: torch.Tensor) -> torch.Tensor:
    model.eval()
    return torch.sigmoid(model(X))
`;
}

function servingApp(rand: Rand, domain: string): string {
  const fields = pickSome(rand, COLUMNS, between(rand, 3, 8));
  return `"""HTTP endpoint serving the ${domain} model."""
import logging
import os
import time

import joblib
import numpy as np
from fastapi import FastAPI, HTTPException
from prometheus_client import Counter, Histogram
from pydantic import BaseModel, Field

logger = logging.getLogger("${domain}-service")
PREDICTIONS = Counter("${domain}_predictions_total", "Predictions served")
LATENCY = Histogram("${domain}_latency_seconds", "Prediction latency")

app = FastAPI(title="${domain} scoring")
bundle = joblib.load(os.environ.get("MODEL_PATH", "models/${domain}/model.joblib"))


class Request(BaseModel):
${fields.map((f) => `    ${f}: float = Field(..., ge=${between(rand, -10, 0)})`).join('\n')}


class Response(BaseModel):
    score: float
    model_version: str


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict", response_model=Response)
def predict(request: Request) -> Response:
    start = time.perf_counter()
    row = np.array([[${fields.map((f) => `request.${f}`).join(', ')}]])
    if not np.isfinite(row).all():
        raise HTTPException(status_code=422, detail="non-finite input")
    score = float(bundle["model"].predict_proba(bundle["scaler"].transform(row))[0, 1])
    PREDICTIONS.inc()
    LATENCY.observe(time.perf_counter() - start)
    logger.info("scored request", extra={"score": score})
    return Response(score=score, model_version=os.environ.get("MODEL_VERSION", "dev"))
`;
}

function testModule(rand: Rand, domain: string): string {
  const cases = between(rand, 2, 6);
  return `import numpy as np
import pandas as pd
import pytest

from features.${domain}_features import build_features, drop_missing_target, encode_categoricals


@pytest.fixture
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(${between(rand, 0, 99)})
    return pd.DataFrame(
        {
            "customer_id": rng.integers(0, 20, size=200),
${COLUMNS.map((c) => `            "${c}": rng.normal(size=200),`).join('\n')}
            "channel": rng.choice(["web", "store"], size=200),
            "label": rng.integers(0, 2, size=200),
        }
    )
${Array.from({ length: cases }, (_, i) => `

def test_features_have_no_missing_values_${i}(frame: pd.DataFrame) -> None:
    features = build_features(frame.iloc[: ${50 + i * 25}])
    assert not features.isna().any().any()
    assert len(features) == ${50 + i * 25}`).join('')}


def test_encoding_is_numeric(frame: pd.DataFrame) -> None:
    encoded = encode_categoricals(frame)
    assert encoded["channel"].dtype.kind in "iu"


def test_drop_missing_target_keeps_rows(frame: pd.DataFrame) -> None:
    assert len(drop_missing_target(frame, "label")) <= len(frame)
`;
}

function notebook(rand: Rand, domain: string): string {
  const cols = pickSome(rand, COLUMNS, 4);
  const cell = (type: 'code' | 'markdown', source: string, count?: number) => ({
    cell_type: type,
    metadata: {},
    source: source.split(/(?<=\n)/),
    ...(type === 'code'
      ? { execution_count: count ?? null, outputs: count ? [{ output_type: 'stream', name: 'stdout', text: [`${domain}: ${Math.round(rand() * 1e5)} rows\n`] }] : [] }
      : {}),
  });
  const cells = [
    cell('markdown', `# ${domain} exploration\n\nWhat drives ${domain}? Distributions, missing values, first baseline.\n`),
    cell('code', '%matplotlib inline\n%load_ext autoreload\n%autoreload 2\nimport numpy as np\nimport pandas as pd\nimport matplotlib.pyplot as plt\n', 1),
    cell('code', `!pip install -q seaborn\ndf = pd.read_parquet("data/processed/${domain}.parquet")\ndf.describe()\n`, 2),
    cell('markdown', '## Missing values\n'),
    cell('code', `missing = df.isna().mean().sort_values(ascending=False)\nmissing.head(${between(rand, 5, 20)})\n`, 3),
    ...cols.map((c, i) =>
      cell('code', `fig, ax = plt.subplots(figsize=(8, 4))\ndf["${c}"].hist(bins=${between(rand, 20, 80)}, ax=ax)\nax.set_title("${c}")\nprint(df["${c}"].quantile([0.01, 0.5, 0.99]))\n`, 4 + i),
    ),
    cell('code', `%%time\nfrom sklearn.dummy import DummyClassifier\nbaseline = DummyClassifier(strategy="prior").fit(df[${JSON.stringify(cols)}], df["label"])\nbaseline.score(df[${JSON.stringify(cols)}], df["label"])\n`, 4 + cols.length),
  ];
  return JSON.stringify({ cells, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 }, null, 1) + '\n';
}

function params(rand: Rand, domain: string): string {
  const [, cls, hyper] = pick(rand, ESTIMATORS);
  return `# Parameters of the ${domain} pipeline (read by dvc.yaml stages and train.py)
data:
  train_path: data/processed/${domain}_train.csv
  test_path: data/processed/${domain}_test.csv
  features:
${pickSome(rand, COLUMNS, between(rand, 3, 8)).map((c) => `    - ${c}`).join('\n')}
split:
  test_size: ${(0.1 + rand() * 0.2).toFixed(2)}
  stratify: true
model:
  type: ${cls}
${hyper
  .split(', ')
  .filter((p) => !p.includes('SEED'))
  .map((p) => `  ${p.replace('=', ': ')}`)
  .join('\n')}
eval:
  threshold: ${(0.3 + rand() * 0.4).toFixed(2)}
  metrics: [auc, f1, logloss]
output:
  dir: models/${domain}
`;
}

function requirements(rand: Rand): string {
  const pins = [
    'numpy==1.26.4',
    'pandas==2.2.1',
    'scikit-learn==1.4.1.post1',
    'xgboost>=2.0',
    'lightgbm~=4.3',
    'torch==2.2.1 ; platform_system != "Darwin"',
    'mlflow==2.11.1',
    'fastapi>=0.110,<1',
    'pydantic==2.6.4',
    'prometheus-client',
    'pyyaml==6.0.1',
    'joblib==1.3.2',
  ];
  return `# Service dependencies\n-r ../../requirements/base.txt\n${pickSome(rand, pins, between(rand, 5, pins.length)).join('\n')}\n`;
}

function fileFor(kind: CorpusKind, rand: Rand, domain: string, n: number): { path: string; text: string } {
  switch (kind) {
    case 'train':
      return { path: `src/${domain}/train_${n}.py`, text: trainScript(rand, domain) };
    case 'features':
      return { path: `src/features/${domain}_features_${n}.py`, text: featureModule(rand, domain) };
    case 'torch':
      return { path: `src/models/${domain}_net_${n}.py`, text: torchModel(rand, domain) };
    case 'serving':
      return { path: `services/${domain}_${n}/app.py`, text: servingApp(rand, domain) };
    case 'test':
      return { path: `tests/${domain}/test_${domain}_${n}.py`, text: testModule(rand, domain) };
    case 'notebook':
      return { path: `notebooks/${domain}/${n}-exploration.ipynb`, text: notebook(rand, domain) };
    case 'params':
      return { path: `configs/${domain}_${n}/params.yaml`, text: params(rand, domain) };
    case 'requirements':
      return { path: `services/${domain}_${n}/requirements.txt`, text: requirements(rand) };
  }
}

/** Writes `count` files into `root` (which must exist) and lists them. */
export function writeCorpus(root: string, count: number, seed = 42): CorpusFile[] {
  const rand = random(seed);
  const kinds = MIX.flatMap(([kind, n]) => Array<CorpusKind>(n).fill(kind));
  const written: CorpusFile[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % kinds.length];
    const { path: rel, text } = fileFor(kind, rand, pick(rand, DOMAINS), i);
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    written.push({ path: rel, kind });
  }
  return written;
}

/** One long Python module of about `lines` lines: training scripts, feature modules and models of
 *  the corpus one after the other, as a file grows in a project that never split it. */
export function longModule(lines: number, seed = 7): string {
  const rand = random(seed);
  const parts: string[] = [];
  let count = 0;
  for (let i = 0; count < lines; i++) {
    const domain = pick(rand, DOMAINS);
    const text = [trainScript, featureModule, torchModel][i % 3](rand, domain);
    parts.push(text);
    count += text.split('\n').length;
  }
  return parts.join('\n\n');
}
