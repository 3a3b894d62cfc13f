from .collate import collate
from .synthetic import SyntheticImages
