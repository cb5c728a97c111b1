"""spaCy factories of heartscore, registered through the ``spacy_factories`` entry point.

spaCy imports every ``spacy_factories`` entry point each time it builds a pipeline, even
``spacy.blank("en")`` in a program that never uses heartscore. This module therefore imports
only spaCy; the component, the model and scikit-learn are imported when a pipeline actually
adds ``"heartscore"`` (the factory below runs then). Config conventions follow spaCy's
``Language.factory``: every setting has a default in ``default_config`` and is overridable
with ``nlp.add_pipe("heartscore", config={...})``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language

if TYPE_CHECKING:
    from .spacy_component import HeartscoreComponent

__all__ = ["make_heartscore"]


@Language.factory("heartscore",
                  assigns=["doc._.heart", "span._.heart", "token._.heart"],
                  default_config={"model": None, "batch_size": 256, "sentences": True})
def make_heartscore(nlp: Language, name: str, model: str | None, batch_size: int,
                    sentences: bool) -> HeartscoreComponent:
    """Factory of :class:`~heartscore.spacy_component.HeartscoreComponent`.

    - ``model``: a safe-format ``.hsm`` path; ``None`` is the shipped model (a pickle is
      refused, see :func:`heartscore.load`). Nothing is loaded until the first Doc.
    - ``batch_size``: Docs scored together by ``nlp.pipe``.
    - ``sentences``: also score each sentence on its own (``span._.heart`` of
      ``doc.sents``); a Doc without sentence boundaries gets them from spaCy's rule-based
      sentencizer first. ``False`` halves the work and leaves sentences unscored until asked.
    """
    from .spacy_component import HeartscoreComponent, register_heart_extensions
    register_heart_extensions()
    return HeartscoreComponent(nlp, name, model=model, batch_size=batch_size,
                               sentences=sentences)
