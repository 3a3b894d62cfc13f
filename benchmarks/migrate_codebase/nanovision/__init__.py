"""nanovision: small vision and sequence models."""

__version__ = "0.3.1"
