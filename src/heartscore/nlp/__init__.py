"""heartscore's spaCy side: token facts (:mod:`.tokens`), negation scope (:mod:`.negation`),
cue data (:mod:`.cues`), cue matching (:mod:`.matcher`) and the ``hs_annotator`` component
(:mod:`.annotator`, registered with spaCy when this package is imported)."""
from . import annotator  # noqa: F401  (registers the hs_annotator factory)
from .annotator import COMPONENT_NAMES, Annotator
from .cues import Cue, builtin_cues, load_cues, read_cues
from .matcher import CueMatcher

__all__ = ["Annotator", "COMPONENT_NAMES", "Cue", "CueMatcher", "builtin_cues", "load_cues",
           "read_cues"]
