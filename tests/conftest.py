"""Shared fixtures: one blank English pipeline per session (pipes added by a test are
removed again), the shipped model, and the corpus. Everything runs offline."""
from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from heartscore.nlp.tokens import register_extensions
from heartscore.preprocess import build_nlp

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def blank_nlp():
    register_extensions()
    return spacy.blank("en")


@pytest.fixture
def nlp(blank_nlp):
    """The session's blank pipeline; pipes a test adds are removed afterwards."""
    before = list(blank_nlp.pipe_names)
    yield blank_nlp
    for name in list(blank_nlp.pipe_names):
        if name not in before:
            blank_nlp.remove_pipe(name)


@pytest.fixture(scope="session")
def hs_nlp():
    """heartscore's default pipeline."""
    return build_nlp()


@pytest.fixture(scope="session")
def model():
    """The shipped model."""
    import heartscore
    return heartscore.load()


@pytest.fixture(scope="session")
def corpus():
    from heartscore.corpus import load_corpus
    return load_corpus()
