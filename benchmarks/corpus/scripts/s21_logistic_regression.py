# Logistic regression with BCEWithLogitsLoss, evaluated with a 0.5 threshold.
import torch
import torch.nn as nn

torch.manual_seed(0)

n_samples, n_features = 400, 4
X = torch.randn(n_samples, n_features)
w_true = torch.tensor([1.0, -2.0, 0.5, 0.0])
Y = ((X @ w_true + 0.2 * torch.randn(n_samples)) > 0).float().view(-1, 1)

X_train, X_test = X[:300], X[300:]
Y_train, Y_test = Y[:300], Y[300:]


class LogisticRegression(nn.Module):
    def __init__(self, n_input_features):
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(n_input_features, 1)

    def forward(self, x):
        return self.linear(x)


model = LogisticRegression(n_features)
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)

num_epochs = 100
for epoch in range(num_epochs):
    y_predicted = model(X_train)
    loss = criterion(y_predicted, Y_train)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if (epoch + 1) % 25 == 0:
        print(f"epoch: {epoch + 1}, loss = {loss.item():.4f}")

with torch.no_grad():
    y_predicted = torch.sigmoid(model(X_test))
    y_predicted_cls = y_predicted.round()
    acc = y_predicted_cls.eq(Y_test).sum() / float(Y_test.shape[0])
    print(f"accuracy: {acc.item():.4f}")
