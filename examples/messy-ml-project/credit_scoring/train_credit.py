"""Trains the credit approval model.

Grown over a few months of experiments; every shortcut here is one a reviewer would flag.
"""
import joblib
import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import GradientBoostingClassifier

FEATURES = ["income", "debt_ratio", "employment_years", "age", "gender"]
USE_MONOTONIC_CONSTRAINTS = False


def build_credit_features(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["debt_ratio"] = df["debt"] / df["income"].clip(lower=1)
    df["employment_years"] = df["employment_months"] / 12
    return df[FEATURES]


def prepare_training_data(df: pd.DataFrame):
    values = df.values
    features = torch.tensor(np.asarray(values.tolist(), dtype=np.float32))
    labels = torch.from_numpy(df["approved"].to_numpy())
    return features, labels, pd.Series(values[:, 0]).to_list()


applications = pd.read_parquet("/mnt/shared/credit/applications.parquet")
order = np.random.permutation(len(applications))
train = applications.iloc[order[: int(0.8 * len(order))]]

if USE_MONOTONIC_CONSTRAINTS:
    train = train.sort_values("income")

# model = GradientBoostingClassifier(n_estimators=50)
# model.fit(build_credit_features(train), train["approved"])
# print(model.score(build_credit_features(train), train["approved"]))

model = GradientBoostingClassifier(n_estimators=400, max_depth=3, learning_rate=0.05, random_state=0)
model.fit(build_credit_features(train), train["approved"])
joblib.dump(model, "models/credit_model.joblib")
