"""Turns loan officers' free-text notes into embedding features for the credit model."""
import numpy as np
from sentence_transformers import SentenceTransformer

NOTE_ENCODER = "sentence-transformers/all-MiniLM-L6-v2"


def note_embeddings(notes: list[str]) -> np.ndarray:
    encoder = SentenceTransformer(NOTE_ENCODER)
    return encoder.encode(notes, batch_size=64, normalize_embeddings=True)
