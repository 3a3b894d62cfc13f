from .contrastive import info_nce
from .dice import DiceLoss
from .focal import FocalLoss
from .kd import distillation_loss
from .label_smoothing import LabelSmoothingCE

LOSSES = {"focal": FocalLoss, "label_smoothing": LabelSmoothingCE, "dice": DiceLoss}
