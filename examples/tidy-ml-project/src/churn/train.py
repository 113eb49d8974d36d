"""Trains the churn model from params.yaml, compares it with a baseline and logs the run to MLflow."""
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

from churn.config import load_params
from churn.data import load_customers
from churn.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES, build_features

logger = logging.getLogger(__name__)

MIN_ROC_AUC = 0.80


def make_pipeline(params: dict, seed: int) -> Pipeline:
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
    customers = load_customers(params["data"]["path"])
    features = build_features(customers)
    x_train, x_test, y_train, y_test = train_test_split(
        features,
        customers["churned"],
        test_size=params["data"]["test_size"],
        stratify=customers["churned"],
        random_state=seed,
    )

    with mlflow.start_run() as run:
        mlflow.log_params(params["train"])
        baseline = DummyClassifier(strategy="prior").fit(x_train, y_train)
        baseline_auc = roc_auc_score(y_test, baseline.predict_proba(x_test)[:, 1])

        pipeline = make_pipeline(params["train"], seed).fit(x_train, y_train)
        scores = pipeline.predict_proba(x_test)[:, 1]
        roc_auc = roc_auc_score(y_test, scores)
        pr_auc = average_precision_score(y_test, scores)
        mlflow.log_metrics({"roc_auc": roc_auc, "pr_auc": pr_auc, "baseline_roc_auc": baseline_auc})
        logger.info("run %s: roc_auc=%.3f (baseline %.3f)", run.info.run_id, roc_auc, baseline_auc)

        if roc_auc < MIN_ROC_AUC or roc_auc <= baseline_auc:
            raise SystemExit(f"model not registered: roc_auc {roc_auc:.3f} is below the gate")
        mlflow.sklearn.log_model(pipeline, "model", registered_model_name=params["model"]["registry_name"])


if __name__ == "__main__":
    main()
