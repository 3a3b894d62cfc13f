from nanovision.registry import get, names

from . import autoencoder, gru_classifier, lstm_tagger, mlp_mixer, resnet, transformer_lm, unet, vit  # noqa: F401

__all__ = ["get", "names"]
