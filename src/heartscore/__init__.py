"""heartscore: read customer feedback and say how the service felt.

>>> import heartscore
>>> model = heartscore.load()
>>> r = model.score("She remembered my name and asked about my trip.")
>>> r.polarity, r.signals["seen"]
"""
__version__ = "0.2.0"

from .analysis.drivers import drivers
from .card import ModelCard
from .labels import DEFAULT_SCHEMA as LABELS
from .labels import LabelSchema
from .model import Model
from .persistence import load, save
from .results import Result
from .scoring import score_file, score_frame
from .training import TrainConfig, train

__all__ = ["load", "save", "train", "TrainConfig", "score_frame", "score_file", "drivers", "Model",
           "ModelCard", "Result", "LABELS", "LabelSchema", "__version__"]
