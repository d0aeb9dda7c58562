"""People named as written, not on the watchlist: "Colonel Ivan Petrov", then "Petrov".

News names a person in full once, usually with a title, and by surname after that; in
Russian the surname is declined ("Акопяна", "Акопяном"). A name is read without its titles,
and a lone capitalised word is a name only when it is the surname of a full name the article
has used already: that is what tells "Clinton said" from "Officials said".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from detection.lexicon import Lexicon
from detection.text import fold

_CAPITAL = "A-ZА-ЯЁԱ-ՖƏİÇŞÖÜĞ"
# Two to five capitalised words ("Karen Vardanyan", "Игорь Конашенков") on one line (a
# headline's last word and a dateline are no name); the word-start check stands after the
# first capital, so the regex engine skips straight to capitals.
FULL_NAME = re.compile(
    rf"[{_CAPITAL}](?<!\w.)[\w'’-]+[^\S\n]+(?:[{_CAPITAL}][\w'’-]+[^\S\n]+){{0,3}}"
    rf"[{_CAPITAL}][\w'’-]+")
_WORD = re.compile(rf"[{_CAPITAL}](?<!\w.)[\w'’-]+")
# Capitalised words that start sentences or phrases and are not names.
NOT_NAMES = {"the", "a", "an", "in", "on", "at", "but", "and", "this", "that", "it", "he",
             "she", "they", "we", "according", "as", "by", "for", "after", "before", "if",
             "when", "while", "asked", "speaking", "with", "its", "his", "her", "their",
             "в", "на", "по", "как", "это", "он", "она", "они", "мы", "при", "после", "но",
             "и", "а", "же", "когда", "если"}
# Russian case endings a surname takes, longest first; a feminine surname in -а takes -ой.
_ENDINGS = ("ыми", "ому", "ему", "ого", "его", "ым", "им", "ом", "ой", "ей", "ую", "а", "у",
            "е", "ы", "и", "я", "ю")


@dataclass(frozen=True)
class WrittenName:
    start: int
    end: int
    surface: str  # the name as written here, without titles
    name: str  # the full name, as the article first gave it


class WrittenNames:
    """The article's names as written, and which lone surnames stand for them."""

    def __init__(self, text: str, lexicon: Lexicon):
        self.lexicon = lexicon
        self.surnames: dict[str, str] = {}
        for match in FULL_NAME.finditer(text):
            found = self._trim(match.group(0))
            if found is not None and len(found[1].split()) >= 2:
                full = found[1]
                self.surnames.setdefault(fold(full.split()[-1]), full)

    def _trim(self, written: str) -> tuple[int, str, bool] | None:
        """(offset of the name in `written`, the name, whether a title stood before it)."""
        words = written.split()
        titled = False
        while words:
            folded = fold(words[0])
            if folded in NOT_NAMES:
                words = words[1:]
            elif is_title(words[0], self.lexicon):
                words, titled = words[1:], True
            else:
                break
        # "Foreign Minister Sergei Lavrov", "Defence Ministry spokesman Igor Ivanov": the name
        # starts after the last title that a full name follows ("General Staff" is no name).
        last_title = max((i for i, w in enumerate(words[:-2]) if is_title(w, self.lexicon)),
                         default=None)
        if last_title is not None:
            words, titled = words[last_title + 1 :], True
        # A dateline ("ABU DHABI, Jan 12 -") or an acronym is written in capitals; a name is not.
        if not words or all(w.isupper() for w in words):
            return None
        name = " ".join(words)
        return written.rindex(words[0]), name, titled

    def in_span(self, text: str, start: int, end: int) -> list[WrittenName]:
        """Names written in text[start:end]: full ones, titled surnames ("General Nogovitsyn")
        and surnames of full names used before."""
        found: list[WrittenName] = []
        span = text[start:end]
        for match in FULL_NAME.finditer(span):
            trimmed = self._trim(match.group(0))
            if trimmed is None:
                continue
            offset, name, titled = trimmed
            full = name if len(name.split()) >= 2 else self.full_name(name)
            if full is None and not titled:
                continue
            full = full or name
            at = start + match.start() + offset
            found.append(WrittenName(at, at + len(name), name, full))
        if self.surnames:
            taken = [(n.start, n.end) for n in found]
            for match in _WORD.finditer(span):
                at = start + match.start()
                if any(a <= at < b for a, b in taken):
                    continue
                full = self.full_name(match.group(0))
                if full is not None:
                    found.append(WrittenName(at, at + len(match.group(0)), match.group(0), full))
        return sorted(found, key=lambda n: n.start)

    def full_name(self, surname: str) -> str | None:
        """The full name a lone surname (declined or not) stands for, if the article gave one."""
        folded = fold(surname)
        if folded in self.surnames:
            return self.surnames[folded]
        for ending in _ENDINGS:
            if folded.endswith(ending) and len(folded) - len(ending) >= 3:
                stem = folded[: -len(ending)]
                for key in (stem, stem + "а"):
                    if key in self.surnames:
                        return self.surnames[key]
        return None


def is_title(word: str, lexicon: Lexicon) -> bool:
    """A title word, hyphenated ones too ("Colonel-General", "генерал-полковник")."""
    if lexicon.titles is None:
        return False
    folded = fold(word)
    return lexicon.titles.fullmatch(folded) is not None or all(
        lexicon.titles.fullmatch(part) for part in folded.split("-") if part)
