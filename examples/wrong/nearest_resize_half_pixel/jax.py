# t2j: entry=resize
import jax


def resize(x):
    # BUG: jax.image.resize 'nearest' uses half-pixel centres (torch's 'nearest-exact'), not torch's 'nearest'
    return jax.image.resize(x, (x.shape[0], x.shape[1], 4, 3), method="nearest")
