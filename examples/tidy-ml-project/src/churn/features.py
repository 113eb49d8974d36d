"""Feature engineering shared by training and serving, so both compute features the same way."""
import pandas as pd

NUMERIC_FEATURES = ["tenure_months", "monthly_charges", "total_charges", "support_calls", "charges_per_month"]
CATEGORICAL_FEATURES = ["contract"]


def build_features(customers: pd.DataFrame) -> pd.DataFrame:
    features = customers[["tenure_months", "monthly_charges", "total_charges", "support_calls", "contract"]].copy()
    features["charges_per_month"] = features["total_charges"] / features["tenure_months"].clip(lower=1)
    return features
