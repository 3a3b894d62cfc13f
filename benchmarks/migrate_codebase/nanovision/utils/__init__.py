from .config import load_config
from .logging import get_logger
