"""Quick comparison of a few classic models on the application data, from a notebook that became a script."""
import glob

import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.svm import SVC

frames = []
for path in sorted(glob.glob("data/applications/*.parquet")):
    try:
        frames.append(pd.read_parquet(path))
    except Exception:
        pass
applications = pd.concat(frames)

X = applications[["income", "debt", "employment_months", "age"]]
y = applications["approved"]

for name, model in {"forest": RandomForestClassifier(), "svm": SVC(C=1.0, kernel="rbf")}.items():
    model.fit(X, y)
    print(name, model.score(X, y))
