// Starter code of a scaffolded project: a small tabular classifier that follows the practices
// (validated data, shared features, config-driven and seeded training with a baseline gate and
// tracked runs, a monitored and validated endpoint). The user replaces the sample data and columns.
import { pythonString, yamlScalar } from './literals';
import { TemplateVars } from './template';

export const SAMPLE_CSV = `record_id,feature_a,feature_b,segment,label
r0001,0.52,13.0,basic,0
r0002,1.87,2.5,premium,1
r0003,0.33,20.0,basic,0
r0004,2.41,1.0,premium,1
r0005,0.95,8.5,standard,0
r0006,1.62,3.0,standard,1
r0007,0.21,17.5,basic,0
r0008,2.05,4.0,premium,1
r0009,0.78,11.0,standard,0
r0010,1.99,2.0,premium,1
`;

export const PARAMS_YAML = `# Every hyperparameter and path of the project: code reads them from here.
seed: 42
data:
  path: Sample_Data/For_Modeling/sample.csv
  test_size: 0.3
train:
  n_estimators: 200
  max_depth: 6
  min_samples_leaf: 1
gate:
  min_roc_auc: 0.7
`;

export const requirementsTxt = () => `# Exact pins keep training reproducible; Dependabot proposes updates.
pandas==2.2.3
numpy==2.1.3
scikit-learn==1.5.2
pandera==0.21.0
mlflow==2.18.0
fastapi==0.115.5
pydantic==2.10.2
prometheus-client==0.21.0
uvicorn==0.32.1
pyyaml==6.0.2
pytest==8.3.3
`;

export const initPy = (v: TemplateVars) => `${pythonString(`${v.name}: data contract, features, training and serving.`)}\n`;

export const configPy = () => `"""Reads params.yaml: the one place where hyperparameters and paths are set."""
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def load_params(path: Path = PROJECT_ROOT / "params.yaml") -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)
`;

export const dataPy = () => `"""Loads the modeling table and checks it against its data contract before anyone uses it.

Describe every column in Docs/Data_Dictionaries/ and keep this schema in step with it.
"""
import pandas as pd
import pandera as pa

SCHEMA = pa.DataFrameSchema(
    {
        "record_id": pa.Column(str, unique=True),
        "feature_a": pa.Column(float, pa.Check.ge(0)),
        "feature_b": pa.Column(float, pa.Check.ge(0)),
        "segment": pa.Column(str, pa.Check.isin(["basic", "standard", "premium"])),
        "label": pa.Column(int, pa.Check.isin([0, 1])),
    },
    strict=True,
)

DTYPES = {"record_id": "string", "feature_a": "float64", "feature_b": "float64", "segment": "string", "label": "int64"}


def load_table(path: str) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=DTYPES)
    return SCHEMA.validate(table)
`;

export const featuresPy = () => `"""Feature engineering shared by training and serving, so that both compute features the same way."""
import pandas as pd

NUMERIC_FEATURES = ["feature_a", "feature_b", "a_per_b"]
CATEGORICAL_FEATURES = ["segment"]


def build_features(table: pd.DataFrame) -> pd.DataFrame:
    features = table[["feature_a", "feature_b", "segment"]].copy()
    features["a_per_b"] = features["feature_a"] / features["feature_b"].clip(lower=1.0)
    return features
`;

export const trainPy = (v: TemplateVars) => `"""Trains the model from params.yaml, compares it with a baseline and tracks the run with MLflow."""
import logging

import mlflow
import mlflow.sklearn
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from ${v.package}.config import load_params
from ${v.package}.data import load_table
from ${v.package}.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES, build_features

logger = logging.getLogger(__name__)


def make_model(params: dict, seed: int) -> Pipeline:
    preprocess = ColumnTransformer(
        [
            ("numeric", StandardScaler(), NUMERIC_FEATURES),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL_FEATURES),
        ]
    )
    forest = RandomForestClassifier(
        n_estimators=params["n_estimators"],
        max_depth=params["max_depth"],
        min_samples_leaf=params["min_samples_leaf"],
        random_state=seed,
    )
    return Pipeline([("preprocess", preprocess), ("model", forest)])


def main() -> None:
    params = load_params()
    seed = params["seed"]
    table = load_table(params["data"]["path"])
    features = build_features(table)
    x_train, x_test, y_train, y_test = train_test_split(
        features,
        table["label"],
        test_size=params["data"]["test_size"],
        stratify=table["label"],
        random_state=seed,
    )

    with mlflow.start_run() as run:
        mlflow.log_params(params["train"])
        baseline = DummyClassifier(strategy="prior").fit(x_train, y_train)
        baseline_auc = roc_auc_score(y_test, baseline.predict_proba(x_test)[:, 1])

        model = make_model(params["train"], seed).fit(x_train, y_train)
        scores = model.predict_proba(x_test)[:, 1]
        roc_auc = roc_auc_score(y_test, scores)
        pr_auc = average_precision_score(y_test, scores)
        mlflow.log_metrics({"roc_auc": roc_auc, "pr_auc": pr_auc, "baseline_roc_auc": baseline_auc})
        logger.info("run %s: roc_auc=%.3f (baseline %.3f)", run.info.run_id, roc_auc, baseline_auc)

        if roc_auc < params["gate"]["min_roc_auc"] or roc_auc <= baseline_auc:
            raise SystemExit(f"model not logged: roc_auc {roc_auc:.3f} does not pass the gate")
        mlflow.sklearn.log_model(model, "model")


if __name__ == "__main__":
    main()
`;

export const servePy = (v: TemplateVars) => `"""Prediction service: validated input, the shared feature code, logged and counted predictions."""
import logging
import os

import mlflow.pyfunc
import pandas as pd
from fastapi import FastAPI
from prometheus_client import Counter, Histogram, make_asgi_app
from pydantic import BaseModel, Field

from ${v.package}.features import build_features

logger = logging.getLogger(${pythonString(`${v.package}.serve`)})

PREDICTIONS = Counter("predictions_total", "Predictions served")
SCORES = Histogram("prediction_score", "Predicted probability of the positive class")


class PredictionRequest(BaseModel):
    feature_a: float = Field(ge=0)
    feature_b: float = Field(ge=0)
    segment: str


app = FastAPI(title=${pythonString(v.name)})
app.mount("/metrics", make_asgi_app())
# The model to serve comes from the environment (an MLflow model URI), loaded once at start-up.
model = mlflow.pyfunc.load_model(os.environ["MODEL_URI"])


@app.post("/predict")
def predict(request: PredictionRequest) -> dict:
    features = build_features(pd.DataFrame([request.model_dump()]))
    score = float(model.predict(features)[0])
    PREDICTIONS.inc()
    SCORES.observe(score)
    logger.info("prediction", extra={"input": request.model_dump(), "score": score})
    return {"score": score}
`;

export const testFeaturesPy = (v: TemplateVars) => `import pandas as pd

from ${v.package}.features import build_features


def test_ratio_guards_small_denominators():
    table = pd.DataFrame({"feature_a": [2.0, 3.0], "feature_b": [0.0, 3.0], "segment": ["basic", "premium"]})
    features = build_features(table)
    assert list(features["a_per_b"]) == [2.0, 1.0]


def test_features_keep_the_segment_for_encoding():
    table = pd.DataFrame({"feature_a": [1.0], "feature_b": [2.0], "segment": ["standard"]})
    assert build_features(table)["segment"].tolist() == ["standard"]
`;

export const conftestPy = () => `import sys
from pathlib import Path

# The package lives in Code/; make it importable for the tests without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Code"))
`;

export const dvcYaml = (v: TemplateVars) => `stages:
  train:
    cmd: ${yamlScalar(`PYTHONPATH=Code python -m ${v.package}.train`)}
    deps:
      - ${yamlScalar(`Code/${v.package}`)}
      - Sample_Data/For_Modeling/sample.csv
    params:
      - seed
      - data
      - train
      - gate
`;
