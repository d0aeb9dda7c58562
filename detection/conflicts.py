"""When two claims on one proposition conflict, which kind of conflict, and why, in one sentence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from detection.claims import AFFIRM

CONTRADICTION = "contradiction"
REVERSAL = "reversal"
QUANTITY = "quantity"


@dataclass(frozen=True)
class ClaimRecord:
    """A claim as recorded, with who made it and when: what comparison needs."""

    statement_id: int
    speaker_key: str  # watchlist id, else the name as written
    speaker_name: str
    institution: str | None  # the speaker's institution (member_of), for reversals
    proposition: str
    polarity: str
    quantity: int | None
    place: str | None
    said_on: date | None
    source: str | None = None


@dataclass(frozen=True)
class Verdict:
    kind: str
    explanation: str


def _who(record: ClaimRecord) -> str:
    when = f" on {record.said_on.isoformat()}" if record.said_on else ""
    where = f" ({record.source})" if record.source else ""
    return f"{record.speaker_name}{where}{when}"


def _stance(polarity: str) -> str:
    return "affirms" if polarity == AFFIRM else "denies"


def compare(new: ClaimRecord, old: ClaimRecord) -> Verdict | None:
    """The conflict between a new claim and a recorded one, or None when they agree."""
    if new.proposition != old.proposition or new.statement_id == old.statement_id:
        return None
    same_voice = new.speaker_key == old.speaker_key or (
        new.institution is not None and new.institution == old.institution)
    if new.polarity != old.polarity:
        kind = REVERSAL if same_voice else CONTRADICTION
        return Verdict(kind, (
            f"{_who(new)} {_stance(new.polarity)} '{new.proposition}'; "
            f"{_who(old)} {_stance(old.polarity)} it"
            + (" (the same voice changed position)." if same_voice else ".")))
    if new.polarity == AFFIRM and new.quantity is not None and old.quantity is not None \
            and new.quantity != old.quantity:
        return Verdict(QUANTITY, (
            f"{_who(new)} gives {new.quantity} for '{new.proposition}'; "
            f"{_who(old)} gave {old.quantity}."))
    return None


def agrees(new: ClaimRecord, old: ClaimRecord) -> bool:
    """Two claims that support each other: same proposition and stance, different statements."""
    return (new.proposition == old.proposition and new.statement_id != old.statement_id
            and new.polarity == old.polarity and compare(new, old) is None)

