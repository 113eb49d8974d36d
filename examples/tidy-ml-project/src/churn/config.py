"""Reads params.yaml: the single place where hyperparameters and paths are set."""
from pathlib import Path

import yaml

PARAMS_FILE = Path(__file__).resolve().parents[2] / "params.yaml"


def load_params(path: Path = PARAMS_FILE) -> dict:
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)
