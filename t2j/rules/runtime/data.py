"""Data loading: TensorDataset and a NumPy DataLoader."""

import jax.numpy as jnp
import numpy as np


class TensorDataset:
    """torch.utils.data.TensorDataset over arrays."""

    def __init__(self, *tensors):
        self.tensors = tensors

    def __len__(self):
        return len(self.tensors[0])

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)


class NumpyLoader:
    """DataLoader replacement: batches of a dataset (stacked with jnp), shuffled with NumPy when asked."""

    def __init__(self, dataset, batch_size=1, shuffle=False, drop_last=False, seed=0, **unused):
        self.dataset, self.batch_size, self.shuffle, self.drop_last = dataset, batch_size, shuffle, drop_last
        self.rng = np.random.default_rng(seed)

    def __len__(self):
        n = len(self.dataset)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            index = order[start : start + self.batch_size]
            if self.drop_last and len(index) < self.batch_size:
                break
            if isinstance(self.dataset, TensorDataset):
                yield tuple(t[jnp.asarray(index)] for t in self.dataset.tensors)
                continue
            items = [self.dataset[int(i)] for i in index]
            if isinstance(items[0], (tuple, list)):
                yield tuple(jnp.stack([jnp.asarray(item[k]) for item in items]) for k in range(len(items[0])))
            else:
                yield jnp.stack([jnp.asarray(item) for item in items])
