"""Sequence model experiment: predicts default from twelve months of repayment history."""
import torch
import torch.nn as nn

from credit_scoring.sequence_loader import repayment_loader


class RepaymentNet(nn.Module):
    def __init__(self, months: int = 12, hidden: int = 32):
        super().__init__()
        self.encoder = nn.GRU(input_size=1, hidden_size=hidden, batch_first=True)
        self.head = nn.Sequential(nn.Dropout(0.3), nn.Linear(hidden, 1))

    def forward(self, history):
        _, last = self.encoder.forward(history.unsqueeze(-1))
        return self.head(last[-1]).squeeze(-1)


def train(model, loader, epochs):
    optimizer = torch.optim.Adam(model.parameters())
    loss_fn = nn.BCEWithLogitsLoss()
    for epoch in range(epochs):
        model.train()
        for history, defaulted in loader:
            loss = loss_fn(model(history), defaulted.float())
            loss.backward()
            optimizer.step()
        print(f"epoch {epoch}: loss {loss.item():.4f}")


@torch.no_grad()
def evaluate(model, loader):
    correct, total = 0, 0
    for history, defaulted in loader:
        predicted = model(history) > 0
        correct += (predicted == defaulted.bool()).sum().item()
        total += defaulted.numel()
    return correct / total


if __name__ == "__main__":
    histories, labels = torch.load("data/repayments.pt")
    net = RepaymentNet()
    train(net, repayment_loader(histories, labels, batch_size=64), epochs=5)
    print("accuracy:", evaluate(net, repayment_loader(histories, labels, batch_size=256)))
