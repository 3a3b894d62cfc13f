"""LR schedulers with torch's formulas, setting the optimizer's injected hyperparameters."""

import math


class TorchLRScheduler:
    """Base of torch-style LR schedulers: step() sets the optimizer's injected learning rate."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.base_lr = float(optimizer.opt_state.hyperparams["learning_rate"][...])
        self.last_epoch = 0
        self.set_lr(self.lr_at(0))

    def set_lr(self, lr):
        self.optimizer.opt_state.hyperparams["learning_rate"][...] = lr

    def get_last_lr(self):
        return [float(self.optimizer.opt_state.hyperparams["learning_rate"][...])]

    def lr_at(self, epoch):
        return self.base_lr

    def step(self, *args):
        self.last_epoch += 1
        self.set_lr(self.lr_at(self.last_epoch))

    def set_momentum(self, momentum):
        """SGD's momentum or Adam's beta1, whichever the optimizer has (schedulers that cycle momentum)."""
        hyper = self.optimizer.opt_state.hyperparams
        name = "momentum" if "momentum" in hyper else "b1"
        if name not in hyper:
            raise ValueError("this optimizer has no momentum or beta1 to cycle; pass cycle_momentum=False")
        hyper[name][...] = momentum


class TorchStepLR(TorchLRScheduler):
    def __init__(self, optimizer, step_size, gamma=0.1):
        self.step_size, self.gamma = step_size, gamma
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class TorchMultiStepLR(TorchLRScheduler):
    def __init__(self, optimizer, milestones, gamma=0.1):
        self.milestones, self.gamma = sorted(milestones), gamma
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.gamma ** sum(1 for m in self.milestones if m <= epoch)


class TorchExponentialLR(TorchLRScheduler):
    def __init__(self, optimizer, gamma):
        self.gamma = gamma
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.gamma**epoch


class TorchCosineAnnealingLR(TorchLRScheduler):
    def __init__(self, optimizer, T_max, eta_min=0.0):
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2


class TorchLambdaLR(TorchLRScheduler):
    def __init__(self, optimizer, lr_lambda):
        self.lr_lambda = lr_lambda
        super().__init__(optimizer)

    def lr_at(self, epoch):
        return self.base_lr * self.lr_lambda(epoch)


class TorchOneCycleLR(TorchLRScheduler):
    """OneCycleLR (two or three phases, cosine or linear annealing), stepped once per batch like torch; with
    cycle_momentum it moves SGD's momentum / Adam's beta1 against the learning rate."""

    def __init__(
        self,
        optimizer,
        max_lr,
        total_steps=None,
        epochs=None,
        steps_per_epoch=None,
        pct_start=0.3,
        anneal_strategy="cos",
        cycle_momentum=True,
        base_momentum=0.85,
        max_momentum=0.95,
        div_factor=25.0,
        final_div_factor=1e4,
        three_phase=False,
    ):
        self.total = total_steps if total_steps is not None else epochs * steps_per_epoch
        initial = max_lr / div_factor
        minimum = initial / final_div_factor
        up = float(pct_start * self.total) - 1
        if three_phase:  # (end step, lr from, lr to, momentum from, momentum to)
            self.phases = [
                (up, initial, max_lr, max_momentum, base_momentum),
                (2 * up, max_lr, initial, base_momentum, max_momentum),
                (self.total - 1, initial, minimum, max_momentum, max_momentum),
            ]
        else:
            self.phases = [
                (up, initial, max_lr, max_momentum, base_momentum),
                (self.total - 1, max_lr, minimum, base_momentum, max_momentum),
            ]
        self.cos = anneal_strategy == "cos"
        self.cycle_momentum = cycle_momentum
        super().__init__(optimizer)
        if cycle_momentum:
            self.set_momentum(self.momentum_at(0))

    def step(self, *args):
        super().step()
        if self.cycle_momentum:
            self.set_momentum(self.momentum_at(self.last_epoch))

    def anneal(self, start, end, pct):
        if self.cos:
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def _at(self, step, lr: bool):
        begin = 0.0
        for i, (end, lr_from, lr_to, m_from, m_to) in enumerate(self.phases):
            if step <= end or i == len(self.phases) - 1:
                pct = (step - begin) / (end - begin)
                return self.anneal(lr_from, lr_to, pct) if lr else self.anneal(m_from, m_to, pct)
            begin = end

    def lr_at(self, step):
        return self._at(step, lr=True)

    def momentum_at(self, step):
        return self._at(step, lr=False)


class TorchReduceLROnPlateau(TorchLRScheduler):
    """ReduceLROnPlateau: step(metric) lowers the rate by `factor` after `patience` bad epochs."""

    def __init__(
        self,
        optimizer,
        mode="min",
        factor=0.1,
        patience=10,
        threshold=1e-4,
        threshold_mode="rel",
        cooldown=0,
        min_lr=0.0,
        eps=1e-8,
    ):
        self.mode, self.factor, self.patience = mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown = threshold, threshold_mode, cooldown
        self.min_lr, self.eps = min_lr, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.bad, self.cooldown_left = 0, 0
        super().__init__(optimizer)

    def better(self, value):
        if self.threshold_mode == "rel":
            scale = 1 - self.threshold if self.mode == "min" else 1 + self.threshold
            return value < self.best * scale if self.mode == "min" else value > self.best * scale
        return value < self.best - self.threshold if self.mode == "min" else value > self.best + self.threshold

    def step(self, metric):
        value = float(metric)
        self.last_epoch += 1
        if self.better(value):
            self.best, self.bad = value, 0
        else:
            self.bad += 1
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.bad = 0
        if self.bad > self.patience:
            old = self.get_last_lr()[0]
            new = max(old * self.factor, self.min_lr)
            if old - new > self.eps:
                self.set_lr(new)
            self.cooldown_left, self.bad = self.cooldown, 0
