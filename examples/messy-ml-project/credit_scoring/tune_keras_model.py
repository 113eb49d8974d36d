"""Keras version of the default model, with a small search over the hidden layer's width."""
import numpy as np
from tensorflow import keras

applications = np.load("data/applications.npz")
X_train, y_train = applications["X_train"], applications["y_train"]
X_val, y_val = applications["X_val"], applications["y_val"]


def build_model(width):
    return keras.Sequential([keras.layers.Dense(width, activation="relu"), keras.layers.Dense(1, activation="sigmoid")])


def search_width(widths, epochs):
    val_auc = {}
    for width in widths:
        model = build_model(width)
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC(name="auc")])
        history = model.fit(X_train, y_train, validation_data=(X_val, y_val), epochs=epochs, verbose=0)
        val_auc[width] = max(history.history["val_auc"])
    return val_auc
