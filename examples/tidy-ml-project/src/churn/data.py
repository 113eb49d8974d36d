"""Loads the customer table and checks it against its data contract before anyone uses it."""
import pandas as pd
import pandera as pa

CUSTOMER_SCHEMA = pa.DataFrameSchema(
    {
        "customer_id": pa.Column(str, unique=True),
        "tenure_months": pa.Column(int, pa.Check.ge(0)),
        "monthly_charges": pa.Column(float, pa.Check.ge(0)),
        "total_charges": pa.Column(float, pa.Check.ge(0)),
        "contract": pa.Column(str, pa.Check.isin(["month-to-month", "one-year", "two-year"])),
        "support_calls": pa.Column(int, pa.Check.ge(0)),
        "churned": pa.Column(int, pa.Check.isin([0, 1])),
    },
    strict=True,
)

DTYPES = {
    "customer_id": "string",
    "tenure_months": "int64",
    "monthly_charges": "float64",
    "total_charges": "float64",
    "contract": "string",
    "support_calls": "int64",
    "churned": "int64",
}


def load_customers(path: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=DTYPES)
    return CUSTOMER_SCHEMA.validate(frame)
