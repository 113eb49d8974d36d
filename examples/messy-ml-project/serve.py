import pickle

import numpy as np
from flask import Flask, jsonify, request

app = Flask(__name__)

model = pickle.load(open("model.pkl", "rb"))
scaler = pickle.load(open("scaler.pkl", "rb"))

CONTRACTS = ["month-to-month", "one-year", "two-year"]


@app.route("/predict", methods=["POST"])
def predict():
    data = request.get_json()
    contract = [1 if data["contract"] == c else 0 for c in CONTRACTS]
    features = np.array([[data["age"], data["tenure_months"], data["monthly_charges"], data["monthly_income"]] + contract])
    proba = model.predict_proba(scaler.transform(features))[0, 1]
    return jsonify({"churn_probability": float(proba), "will_churn": bool(proba > 0.5)})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8080, debug=True)
