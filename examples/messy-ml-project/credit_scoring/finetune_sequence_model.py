"""Second sequence model experiment: a GRU over repayment histories with a hand-written loss."""
import numpy as np
import torch
import torch.nn as nn

from credit_scoring.sequence_loader import repayment_loader


class RepaymentClassifier(nn.Module):
    def __init__(self, hidden: int = 32):
        super().__init__()
        self.encoder = nn.GRU(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(hidden, 2))

    def forward(self, history):
        _, last = self.encoder(history.unsqueeze(-1))
        return self.head(last[-1])


def cross_entropy(logits, targets):
    probs = torch.softmax(logits, dim=-1)
    one_hot = nn.functional.one_hot(targets, num_classes=2).float()
    return -(one_hot * torch.log(probs)).sum(dim=-1).mean()


@torch.no_grad()
def validate(model, loader):
    model.eval()
    scores = torch.empty(0)
    for history, _ in loader:
        scores = torch.cat([scores, model(history).softmax(dim=-1)[:, 1]])
    return scores


def train(model, loader, val_loader, epochs, learning_rate):
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    model.train()
    for epoch in range(epochs):
        for history, defaulted in loader:
            optimizer.zero_grad()
            cross_entropy(model(history), defaulted).backward()
            optimizer.step()
        scores = validate(model, val_loader)
        print(f"epoch {epoch}: mean default score {scores.mean():.3f}")


def monthly_totals(path):
    histories = torch.tensor(np.load(path), dtype=torch.float32)
    totals = torch.zeros(histories.shape[1])
    for i in range(histories.shape[0]):
        totals += histories[i]
    return totals


if __name__ == "__main__":
    histories, labels = torch.load("data/repayments.pt")
    train(RepaymentClassifier(), repayment_loader(histories, labels, 64), repayment_loader(histories, labels, 256), epochs=5, learning_rate=1e-3)
