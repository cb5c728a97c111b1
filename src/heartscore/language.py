"""Which texts are not written in the model's language, so that they can be flagged (they
are still scored). A cheap screen first: texts too short to tell, and English texts holding
one of a few function words that other languages do not use, are passed without a model.
The rest go to py3langid (a small, maintained language identifier that ships its model),
imported and loaded only when the first such text appears, once per process — or, in a
process about to fork scoring workers, in a background thread while it starts up
(:func:`preload`), so that the workers inherit it instead of each decompressing it again
(about a second each).""" 
from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["MIN_LETTERS", "MIN_PROBABILITY", "LANGUAGE_NOTE", "KNOWN_LANGUAGES",
           "other_language"]

#: Texts with fewer letters than this are too short to tell a language from.
MIN_LETTERS = 20
#: A text is flagged only when the identifier gives another language at least this probability.
MIN_PROBABILITY = 0.9
#: Start of the ``heartscore_error`` note on a flagged row.
LANGUAGE_NOTE = "language"

#: The codes the language identifier (py3langid 0.3) can give: a ``language`` outside them
#: could never match, so every text long enough to tell would be flagged. Kept here, not read
#: from the identifier, because loading it takes about a second (a test checks they agree).
KNOWN_LANGUAGES = frozenset("""ace af am an ar ary arz as az ba bcl be bg bn br bs ca crh cs cy
da de dz el en eo es et eu ext fa fi fo fr fuv fy ga gcf gcr gd gl gom grc gu gug guw ha hbo he
hi hr ht hu hy id ig is it ja jv ka kab kik kk km kn ko ku ky la lb lg lij ln lo lt ltg lv mg mk
ml mn mr ms mt my ne nl nn no nso oc om or pa pcm pl ps pt qu ro ru rw sa sdh se si sk sl sn so
sq sr st sv sw ta te tg th tk tl tr tt ug uk ur uz uzs vec vi vo wa wuu xh yo yue zh zu
zxx""".split())

# English words that are not also common words of another language (not "to", "is", "we",
# "was", "for", "in", "no", "me", "on": Czech, Dutch, Polish, German, Danish, Spanish, French)
_ENGLISH = frozenset("""the and you with they this that have were very would been there what
when could from just about because not but of my our your their which really didn't don't
i'm it's""".split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def _screened(text: str, language: str) -> bool:
    """True when the text needs no identifier: too short, or plainly English."""
    words = _WORD.findall(text.lower())
    if sum(map(len, words)) < MIN_LETTERS:
        return True
    return language == "en" and not _ENGLISH.isdisjoint(words)


_LOCK = threading.Lock()
_LOADED: list[Any] = []
_PRELOAD: list[threading.Thread] = []


def _identifier() -> Any:
    with _LOCK:  # a preload in progress finishes first; the model is loaded once
        if not _LOADED:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier
            _LOADED.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
        return _LOADED[0]


def preload() -> None:
    """Start loading the identifier in a daemon thread (its LZMA decompression releases the
    GIL, so it runs beside the caller's start-up). For processes heartscore owns; call
    :func:`finish_preload` before forking."""
    if not _LOADED and not _PRELOAD:
        t = threading.Thread(target=_identifier, name="heartscore-langid-preload", daemon=True)
        _PRELOAD.append(t)
        t.start()


def finish_preload() -> None:
    """Wait for a :func:`preload` in progress (a process must not fork while it runs)."""
    while _PRELOAD:
        _PRELOAD.pop().join()


def other_language(texts: Sequence[str], language: str = "en") -> list[str | None]:
    """For each text, the language code it appears to be written in when that is not
    ``language`` (with probability >= :data:`MIN_PROBABILITY`), else ``None``."""
    if isinstance(texts, str):
        raise TypeError("other_language takes a sequence of texts, not one string")
    out: list[str | None] = []
    for text in texts:
        if _screened(text, language):
            out.append(None)
            continue
        code, probability = _identifier().classify(text)
        out.append(code if code != language and probability >= MIN_PROBABILITY else None)
    return out
