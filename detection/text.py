"""Text normalisation with an offset map back to the original, tokens, sentences and quotes."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

# Characters folded beyond NFKC + casefold, so one alias spelling matches the common variants.
_FOLD = {
    "ё": "е",
    "İ": "i",  # Turkish/Azerbaijani dotted capital I: casefold would leave a combining dot
    "ı": "i",
    "\u00ad": "",  # soft hyphen
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "ʼ": "'", "`": "'",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
}


@dataclass(frozen=True)
class Normalized:
    """Folded text plus, for each folded character, the index of the original character."""

    text: str
    origin: list[int] | range
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) offsets for a folded [start, end) range."""
        if start >= len(self.origin):
            return len(self.original), len(self.original)
        return self.origin[start], (self.origin[end - 1] + 1) if end > start else self.origin[start]

    def folded_at(self, position: int) -> int:
        """Where the original character at `position` starts in the folded text (the end of
        the folded text for the end of the original)."""
        if isinstance(self.origin, range):
            return position
        return bisect_left(self.origin, position)


@cache
def fold_char(char: str) -> str:
    if char in _FOLD:
        return _FOLD[char]
    folded = unicodedata.normalize("NFKC", char).casefold()
    return _FOLD.get(folded, folded)


@cache
def _aligned_char(char: str) -> str:
    folded = fold_char(char)
    if len(folded) == 1:
        return folded
    lower = char.lower()
    return lower if len(lower) == 1 else char


class _TranslationTable(dict):
    """A `str.translate` table that folds each character the first time it is seen: folding
    is character by character, so a whole article then folds in one call in C instead of a
    Python call per character."""

    def __init__(self, fold_one):
        super().__init__()
        self._fold_one = fold_one
        # Characters that fold to more or fewer than one: offsets need a map when one occurs.
        self.uneven: set[str] = set()
        self._uneven_pattern: re.Pattern[str] | None = None

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = self[code] = self._fold_one(char)
        if len(folded) != 1:
            self.uneven.add(char)
            self._uneven_pattern = None
        return folded

    def has_uneven(self, text: str) -> bool:
        """Whether `text` (already translated once, so every character of it is known) holds
        a character that does not fold one for one."""
        if not self.uneven:
            return False
        if self._uneven_pattern is None:
            self._uneven_pattern = re.compile(
                f"[{''.join(re.escape(c) for c in sorted(self.uneven))}]")
        return self._uneven_pattern.search(text) is not None


_FOLD_TABLE = _TranslationTable(fold_char)
_ALIGNED_TABLE = _TranslationTable(_aligned_char)


def _character_class(chars: list[str]) -> str:
    """A regex character class of `chars`, written as ranges of code points."""
    codes = sorted(map(ord, chars))
    ranges: list[str] = []
    start = 0
    for index, code in enumerate(codes):
        if index + 1 == len(codes) or codes[index + 1] != code + 1:
            first = codes[start]
            ranges.append(rf"\u{first:04x}" + (rf"-\u{code:04x}" if code != first else ""))
            start = index + 1
    return f"[{''.join(ranges)}]"


def _casefold_tables() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """For the blocks of the scripts claimwatch reads (Latin, Cyrillic, Armenian) and of
    punctuation: a pattern for a text made only of characters that fold to one character
    either by str.casefold or by a replacement made first, the replaced characters, and
    their replacements (quotes, dashes, ё, compatibility forms)."""
    quick: list[str] = []
    replaced: dict[str, str] = {}
    for code in (*range(0x0590), *range(0x2000, 0x2070)):
        char = chr(code)
        folded = fold_char(char)
        if len(folded) != 1:
            continue
        if folded == char.casefold():
            quick.append(char)
        elif folded.casefold() == folded:  # casefold leaves the replacement as it is
            quick.append(char)
            replaced[char] = folded
    return re.compile(f"{_character_class(quick)}*"), \
        re.compile(_character_class(list(replaced))), replaced


_CASEFOLDS, _REPLACED, _REPLACEMENTS = _casefold_tables()


def _replacement(match: re.Match[str]) -> str:
    return _REPLACEMENTS[match.group()]


def normalize(text: str) -> Normalized:
    """Fold case, compatibility forms, quotes, dashes and ё, keeping offsets into `text`."""
    # Most articles are made of characters that fold by str.casefold, once a few are
    # replaced: in C over the whole text, three times faster than the translation table.
    # str.casefold folds character by character, as fold_char does.
    if _CASEFOLDS.fullmatch(text) is not None:
        return Normalized(_REPLACED.sub(_replacement, text).casefold(), range(len(text)), text)
    folded = text.translate(_FOLD_TABLE)
    if not _FOLD_TABLE.has_uneven(text):
        return Normalized(folded, range(len(text)), text)  # the common case: one for one
    origin: list[int] = []
    for index, char in enumerate(text):
        origin.extend([index] * len(fold_char(char)))
    return Normalized(folded, origin, text)


def fold(text: str) -> str:
    return text.translate(_FOLD_TABLE)


def fold_aligned(text: str, norm: Normalized | None = None) -> str:
    """`fold`, but one character for one, so positions in the result are positions in `text`
    (a character that folds to several, or to none, is only lower-cased). `norm` is
    `normalize(text)` when the caller has it: where every character folded to one, it is the
    same text, and the article need not be folded twice."""
    if norm is not None and norm.original is text and isinstance(norm.origin, range):
        return norm.text
    return text.translate(_ALIGNED_TABLE)


WORD = re.compile(r"\w+(?:['-]\w+)*", re.UNICODE)

# A sentence ends at . ! ? … (or the Armenian full stop ։) followed by space and something that
# can open a sentence; the sentence ends where the `gap` begins. Starting with the full stop,
# not a look back at it, lets the regex engine skip straight to the full stops.
_SENTENCE_END = re.compile(
    r"[.!?…։](?P<gap>[\"'»”)]*\s+)(?=[\"'«“(\-—–]*[A-ZА-ЯЁԱ-ՖƏİÇŞÖÜĞ0-9])")
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "st", "jr",
                  "sr", "vs", "no", "u.s", "u.k", "e.g", "i.e", "г", "гг", "т.е", "т.д", "им",
                  "ген", "ул", "др"}


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int


def split_sentences(text: str) -> list[Sentence]:
    """Sentences with offsets into `text`; paragraphs are separated by newlines."""
    sentences: list[Sentence] = []
    offset = 0
    for paragraph, line in enumerate(text.split("\n")):
        start = 0
        for match in _SENTENCE_END.finditer(line):
            before = line[start : match.start("gap")].rstrip("\"'»”)")
            words = before.rsplit(None, 1)
            last_word = words[-1].rstrip(".").lower() if words else ""
            if last_word in _ABBREVIATIONS or (len(last_word) == 1 and last_word.isalpha()):
                continue
            if _inside_quote(line[start : match.start("gap")]):
                continue
            _add_sentence(sentences, line, start, match.start("gap"), offset, paragraph)
            start = match.end()
        _add_sentence(sentences, line, start, len(line), offset, paragraph)
        offset += len(line) + 1
    return sentences


def _inside_quote(fragment: str) -> bool:
    # „…“ is one pair (Russian inner quotes): its “ closes, it does not open.
    low_pairs = min(fragment.count("„"), fragment.count("“"))
    opened = fragment.count("«") + fragment.count("„") + fragment.count("“") - low_pairs
    closed = fragment.count("»") + fragment.count("”") + low_pairs
    # Straight quotes open and close alike: an odd number leaves one open.
    return opened > closed or fragment.count('"') % 2 == 1


def _add_sentence(out: list[Sentence], line: str, start: int, end: int, offset: int,
                  paragraph: int) -> None:
    chunk = line[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    s = offset + start + lead
    out.append(Sentence(s, s + len(stripped), stripped, paragraph))


_PAIRS = {"«": "»", "“": "”", "„": "“"}
_ANY_QUOTE = re.compile('["«“„]')
# Every character that opens or closes a quotation: the only ones find_quotes acts on.
_QUOTE_MARK = re.compile('["«»“”„]')


def find_quotes(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of the text inside each outermost quotation in `sentence`."""
    if not _ANY_QUOTE.search(sentence):
        return []
    spans: list[tuple[int, int]] = []
    stack: list[tuple[str, int]] = []
    straight_open: int | None = None
    for mark in _QUOTE_MARK.finditer(sentence):
        index, char = mark.start(), mark.group()
        if stack and char == _PAIRS[stack[-1][0]] and not (char == "“" and stack[-1][0] == "“"):
            opener, start = stack.pop()
            if not stack:
                spans.append((start + 1, index))
        elif char in _PAIRS:
            stack.append((char, index))
        elif char == '"' and not stack:
            if straight_open is None:
                straight_open = index
            else:
                spans.append((straight_open + 1, index))
                straight_open = None
    return [(s, e) for s, e in spans if e - s > 1]
