"""Mini-batches of repayment histories for the sequence model experiment."""
import torch
from torch.utils.data import DataLoader, TensorDataset


def repayment_loader(histories: torch.Tensor, labels: torch.Tensor, batch_size: int) -> DataLoader:
    return DataLoader(TensorDataset(histories, labels), batch_size=batch_size, shuffle=True, num_workers=4)
