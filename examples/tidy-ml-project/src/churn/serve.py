"""Prediction service: validated input, the shared feature code, logged predictions and metrics."""
import logging
import os

import mlflow.pyfunc
import pandas as pd
from fastapi import FastAPI
from prometheus_client import Counter, Histogram, make_asgi_app
from pydantic import BaseModel, Field

from churn.features import build_features

logger = logging.getLogger("churn.serve")

PREDICTIONS = Counter("churn_predictions_total", "Predictions served")
SCORES = Histogram("churn_score", "Predicted churn probability", buckets=[0.1 * i for i in range(11)])


class Customer(BaseModel):
    tenure_months: int = Field(ge=0)
    monthly_charges: float = Field(ge=0)
    total_charges: float = Field(ge=0)
    contract: str
    support_calls: int = Field(ge=0)


app = FastAPI(title="churn")
app.mount("/metrics", make_asgi_app())
model = mlflow.pyfunc.load_model(os.environ["CHURN_MODEL_URI"])


@app.post("/predict")
def predict(customer: Customer) -> dict:
    features = build_features(pd.DataFrame([customer.model_dump()]))
    score = float(model.predict(features)[0])
    PREDICTIONS.inc()
    SCORES.observe(score)
    logger.info("prediction", extra={"input": customer.model_dump(), "score": score})
    return {"churn_probability": score}
