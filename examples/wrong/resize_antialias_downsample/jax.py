# t2j: entry=downsample
import jax


def downsample(x):
    n, c, h, w = x.shape
    # BUG: jax.image.resize antialiases when downsampling (a wider triangle filter); torch's interpolate
    # does not (antialias=False), it samples 2 neighbours per output pixel
    return jax.image.resize(x, (n, c, h // 2, w // 2), method="bilinear")
