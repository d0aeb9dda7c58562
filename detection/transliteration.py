"""Spelling variants of a folded alias across Cyrillic, Armenian and Latin (incl. Azerbaijani)."""

from __future__ import annotations

import re

# Russian → Latin as English-language press writes names (BGN-like): Конашенков → konashenkov.
_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "і": "i", "ї": "yi", "є": "ye", "ґ": "g",  # Ukrainian letters
}
# Armenian → Latin (Փաշինյան → pashinyan). ու is one vowel and is handled before the letters.
_ARMENIAN_TO_LATIN = {
    "ա": "a", "բ": "b", "գ": "g", "դ": "d", "ե": "e", "զ": "z", "է": "e", "ը": "y", "թ": "t",
    "ժ": "zh", "ի": "i", "լ": "l", "խ": "kh", "ծ": "ts", "կ": "k", "հ": "h", "ձ": "dz",
    "ղ": "gh", "ճ": "ch", "մ": "m", "յ": "y", "ն": "n", "շ": "sh", "ո": "o", "չ": "ch",
    "պ": "p", "ջ": "j", "ռ": "r", "ս": "s", "վ": "v", "տ": "t", "ր": "r", "ց": "ts", "ւ": "v",
    "փ": "p", "ք": "k", "օ": "o", "ֆ": "f", "և": "ev",
}
# Azerbaijani Latin → the plain Latin of international reporting (İsgəndər → isgender).
_AZERBAIJANI_TO_LATIN = {"ə": "e", "ş": "sh", "ç": "ch", "ğ": "g", "ö": "o", "ü": "u",
                         "ı": "i", "x": "kh", "q": "g"}
# Latin → Russian spelling, digraphs first (pashinyan → пашинян, erdogan → ердоган).
_LATIN_DIGRAPHS = [("shch", "щ"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"),
                   ("ts", "ц"), ("ya", "я"), ("yu", "ю"), ("ye", "е"), ("yo", "е")]
_LATIN_TO_CYRILLIC = {
    "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "дж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р",
    "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "й", "z": "з",
}
_AZERBAIJANI_LETTERS = set("əşçğöüı")
# Shorter names transliterate into common words too often ("tor" → "тор").
MIN_VARIANT_LETTERS = 5


def _script(text: str) -> str:
    for char in text:
        if "\u0400" <= char <= "\u04ff":
            return "cyrillic"
        if "\u0530" <= char <= "\u058f":
            return "armenian"
    return "latin"


def _map(text: str, table: dict[str, str]) -> str:
    return "".join(table.get(char, char) for char in text)


def cyrillic_to_latin(folded: str) -> list[str]:
    base = _map(folded, _CYRILLIC_TO_LATIN)
    # -ий/-ый endings: "zelenskiy" and "zelensky" are both common.
    short = _map(re.sub(r"[иы]й\b", "y", folded), _CYRILLIC_TO_LATIN)
    return list(dict.fromkeys([base, short]))


def armenian_to_latin(folded: str) -> str:
    return _map(folded.replace("ու", "u").replace("եւ", "ev"), _ARMENIAN_TO_LATIN)


def latin_to_cyrillic(folded: str) -> str:
    out = folded
    for latin, cyrillic in _LATIN_DIGRAPHS:
        out = out.replace(latin, cyrillic)
    out = re.sub(r"y(?=[аеиоуыэ])", "", out)  # "y" before a vowel is already in я/ю/е
    return _map(out, _LATIN_TO_CYRILLIC)


def spelling_variants(folded: str) -> list[str]:
    """Other-script spellings of a folded alias (the alias itself excluded)."""
    letters = sum(char.isalpha() for char in folded)
    if letters < MIN_VARIANT_LETTERS:
        return []
    script = _script(folded)
    variants: list[str] = []
    if script == "cyrillic":
        variants += cyrillic_to_latin(folded)
    elif script == "armenian":
        latin = armenian_to_latin(folded)
        variants += [latin, latin_to_cyrillic(latin)]
    else:
        if _AZERBAIJANI_LETTERS & set(folded):
            plain = _map(folded, _AZERBAIJANI_TO_LATIN)
            variants += [plain, _map(folded.replace("ə", "a"), _AZERBAIJANI_TO_LATIN)]
        elif folded.isascii():
            variants.append(latin_to_cyrillic(folded))
    return [v for v in dict.fromkeys(variants) if v and v != folded]


# What a place name keeps across scripts, transcriptions and case endings: its consonants
# ("Хан-Шейхуне" and "Khan Shaykhun" are both n-s-n, "Думе" and "Douma" d-m).
_ARTICLE = re.compile(r"^(?:al|el|ал|аль|эль)[-\s]")
_NOT_SKELETON = re.compile(r"[^bcdfgjklmnpqrstvxz]")
_REPEATED = re.compile(r"(.)\1+")


def place_skeleton(folded: str) -> str:
    """The consonant skeleton of a folded place name: equal for one place written in Latin
    or Cyrillic, with or without the Arabic article, in any case. Transcriptions disagree on
    h, kh, w and y (Hodeidah, Ходейда), so they are left out."""
    name = _ARTICLE.sub("", folded.strip())
    script = _script(name)
    if script == "cyrillic":
        name = cyrillic_to_latin(name)[0]
    elif script == "armenian":
        name = armenian_to_latin(name)
    elif _AZERBAIJANI_LETTERS & set(name):
        name = _map(name, _AZERBAIJANI_TO_LATIN)
    for spelled, kept in (("dzh", "j"), ("zh", "j"), ("kh", "h"), ("w", "v"),
                          ("c", "k")):
        name = name.replace(spelled, kept)
    return _REPEATED.sub(r"\1", _NOT_SKELETON.sub("", name))


def may_be_same_place(one: str, other: str) -> bool:
    """Whether two place names, folded, may name one place: equal skeletons, or one a longer
    form of the other ("Damascus", "Дамаске") when three consonants or more agree; a name
    with no consonants left tells nothing."""
    a, b = place_skeleton(one), place_skeleton(other)
    if not a or not b or a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 3 and longer.startswith(shorter)
