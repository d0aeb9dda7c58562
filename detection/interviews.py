"""Interviews printed as turns: paragraphs opened by a dash ("— Это пропаганда.") or by the
speaker's name and a colon ("Kutelia: That is simply untrue."). An answer has no speech verb:
who says it follows from the turn it is, not from its words."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A turn in Russian and other dialogue typography: a dash and a space open the paragraph.
_DASH = re.compile(r"[ \t]*[—–-][ \t]+")
# A turn labelled with its speaker: one to three capitalised words and a colon.
_LABEL = re.compile(r"[ \t]*([A-ZА-ЯЁ][\w'’.-]*(?:[ \t]+[A-ZА-ЯЁ][\w'’.-]*){0,2})[ \t]*:[ \t]+")
# Fewer turns than this are a quoted exchange inside a report, not an interview.
_MIN_TURNS = 4


@dataclass(frozen=True)
class Answer:
    """A paragraph that answers: where its words start, and its label as printed (None for a
    dash, whose speaker is the one the introduction named)."""

    start: int
    label: str | None


@dataclass(frozen=True)
class Interview:
    answers: dict[int, Answer]  # paragraph index -> the answer in it
    introduction: int  # the last paragraph before the first turn: who is interviewed


def find_interview(text: str) -> Interview | None:
    """The answers of an interview printed as turns, or None for an article that is not one.

    Dashed turns alternate, the interviewer's question first. Labelled turns are answers when
    their label is not the one that opens the exchange (the interviewer's, or the outlet's)."""
    dashed: list[tuple[int, int]] = []
    labelled: list[tuple[int, int, str]] = []
    offset = 0
    for index, paragraph in enumerate(text.split("\n")):
        dash = _DASH.match(paragraph)
        label = _LABEL.match(paragraph)
        if dash is not None:
            dashed.append((index, offset + dash.end()))
        elif label is not None:
            labelled.append((index, offset + label.end(), label.group(1)))
        offset += len(paragraph) + 1
    if len(dashed) >= _MIN_TURNS:
        return Interview({index: Answer(start, None) for index, start in dashed[1::2]},
                         _before(dashed[0][0], text))
    labels = [label for _, _, label in labelled]
    if len(labelled) >= _MIN_TURNS and len(set(labels)) == 2 and \
            min(labels.count(label) for label in set(labels)) >= 2:
        asker = labels[0]
        return Interview({index: Answer(start, label) for index, start, label in labelled
                          if label != asker}, _before(labelled[0][0], text))
    return None


def _before(first_turn: int, text: str) -> int:
    """The last paragraph with words before the first turn (blank lines may separate them)."""
    paragraphs = text.split("\n")
    index = first_turn - 1
    while index > 0 and not paragraphs[index].strip():
        index -= 1
    return index
