import pandas as pd

from churn.features import build_features


def test_charges_per_month_guards_new_customers():
    customers = pd.DataFrame(
        {
            "tenure_months": [0, 10],
            "monthly_charges": [50.0, 20.0],
            "total_charges": [50.0, 200.0],
            "support_calls": [1, 0],
            "contract": ["month-to-month", "one-year"],
        }
    )
    features = build_features(customers)
    assert list(features["charges_per_month"]) == [50.0, 20.0]
