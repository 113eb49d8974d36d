"""Trains the churn model."""
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

df = pd.read_csv("data/customers.csv")
missing = df[df["income"] == np.nan]
print(f"{len(missing)} customers without income")
model = LogisticRegression(max_iter=200).fit(df[["age", "income"]], df["churned"])
