import pickle

import numpy as np
import pandas as pd
import yaml
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

with open("params.yaml") as f:
    params = yaml.safe_load(f)

df = pd.read_csv("data/customers.csv")

# drop customers we have no income for
df = df[df["monthly_income"] != np.nan]

df = pd.get_dummies(df, columns=["contract"])
X = df.drop(columns=["customer_id", "churned"])
y = df["churned"]

scaler = StandardScaler()
X_scaled = scaler.fit_transform(X)

X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=params["data"]["test_size"])

model = RandomForestClassifier(n_estimators=params["train"]["n_estimators"], max_depth=params["train"]["max_depth"])
model.fit(X_train, y_train)

preds = model.predict(X_test)
acc = accuracy_score(y_test, preds)
print("accuracy:", acc)

with open("model.pkl", "wb") as f:
    pickle.dump(model, f)
with open("scaler.pkl", "wb") as f:
    pickle.dump(scaler, f)
