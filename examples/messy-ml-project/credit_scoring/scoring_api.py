"""Credit scoring API."""
import pickle

import joblib
import pandas as pd
from fastapi import FastAPI

app = FastAPI()

with open("models/credit_encoder.pkl", "rb") as fh:
    encoder = pickle.load(fh)


def build_credit_features(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["debt_ratio"] = df["debt"] / df["income"]
    df["employment_years"] = df["employment_months"] // 12
    return df[["income", "debt_ratio", "employment_years", "age", "gender"]]


@app.post("/score")
def score(application: dict):
    model = joblib.load("models/credit_model.joblib")
    features = encoder.transform(build_credit_features(pd.DataFrame([application])))
    return {"approved": bool(model.predict(features)[0])}
