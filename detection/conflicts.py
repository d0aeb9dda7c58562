"""When two claims on one proposition conflict, which kind of conflict, and why, in one sentence.

Places and times. Several events can be true at once: Iskanders fired at Shusha and at Ganja,
Shaheds launched in October and in November. Two affirmations at different places or times
are therefore no conflict, however far apart. They conflict only when one side rules the
other out: it is exclusive ("only at Shusha", "только 9 ноября", "... and nowhere else") and
the other's place lies outside it (neither within the other, per the gazetteer) or its period
does not overlap; or it puts the negation on the qualifier ("fired, but not at Shusha") and the
other names that place, or one within it. A place the gazetteer does not know, or a time with no
calendar ("during the war"), never conflicts. A claim that names no time speaks of what
happened before it was made: it is apart from a period that begins after the day it was said.

Agents. A denial that names no agent ("not a single Iskander was used", "никто не применял")
denies the event for every agent: it meets "Armenia used Iskanders" and any other agent's
affirmation of the same predicate and object. An affirmation with no agent says only that
someone did it, so it meets nothing but an agentless denial.

The same reading keeps an affirmation and a denial that speak of surely different places or
periods ("not fired at Shusha" against "fired at Ganja") from being called a contradiction, and
keeps counts given for different places or periods from being compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from detection.claims import AFFIRM, ANYONE, proposition_key
from detection.places import Gazetteer, default_gazetteer
from detection.qualifiers import NOT, ONLY
from detection.text import fold
from detection.transliteration import may_be_same_place

CONTRADICTION = "contradiction"
REVERSAL = "reversal"
QUANTITY = "quantity"
PLACE = "place"
TIME = "time"

# What each kind means, for alerts and documentation: one sentence each.
MEANINGS = {
    CONTRADICTION: "One statement affirms what the other denies.",
    REVERSAL: "The same speaker or institution has both affirmed it and denied it.",
    QUANTITY: "Both say it happened, but give different numbers.",
    PLACE: "Both say it happened, but one confines it to a place the other's lies outside, "
           "or rules out the place the other names.",
    TIME: "Both say it happened, but one confines it to a period the other's falls outside, "
          "or rules out the period the other names.",
}


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
    # Qualifiers as detection.claims.ClaimFrame holds them.
    place_id: str | None = None
    place_scope: str | None = None
    time: str | None = None
    time_start: date | None = None
    time_end: date | None = None
    time_scope: str | None = None
    # The proposition's parts; without them only the same proposition meets.
    subject: str | None = None
    predicate: str | None = None
    object: str | None = None
    # The class the object (a weapon) belongs to: a denial of the class covers it.
    object_class: str | None = None
    # Classes that cover every weapon ("weapons", "оружие"): denying one covers this object.
    universal_classes: frozenset[str] = frozenset()

    @property
    def period(self) -> tuple[date | None, date | None] | None:
        if self.time_start is None and self.time_end is None:
            return None
        return self.time_start, self.time_end


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


def compare(new: ClaimRecord, old: ClaimRecord, places: Gazetteer | None = None) -> Verdict | None:
    """The conflict between a new claim and a recorded one, or None when they agree."""
    if new.statement_id == old.statement_id:
        return None
    if new.proposition != old.proposition:
        return _universal_verdict(new, old, places)
    places = places or default_gazetteer()
    same_voice = new.speaker_key == old.speaker_key or (
        new.institution is not None and new.institution == old.institution)
    if new.polarity != old.polarity:
        denial, affirmation = (new, old) if new.polarity != AFFIRM else (old, new)
        if _elsewhere(denial, affirmation, places):
            return None
        kind = REVERSAL if same_voice else CONTRADICTION
        return Verdict(kind, (
            f"{_who(new)} {_stance(new.polarity)} '{new.proposition}'; "
            f"{_who(old)} {_stance(old.polarity)} it"
            + (" (the same voice changed position)." if same_voice else ".")))
    if new.polarity != AFFIRM:
        return None
    verdict = _place_verdict(new, old, places) or _time_verdict(new, old)
    if verdict is not None:
        return verdict
    if new.quantity is not None and old.quantity is not None and new.quantity != old.quantity \
            and _same_scope(new, old) and not _total_grew(new, old):
        return Verdict(QUANTITY, (
            f"{_who(new)} gives {new.quantity} for '{new.proposition}'; "
            f"{_who(old)} gave {old.quantity}."))
    return None


def _broader(one: str | None, other: str | None, broad: str | None) -> bool | None:
    """Whether `one` is the broader of two parts of a proposition: None when they are
    equal, True when `one` is `broad` and the other is not, False when they differ otherwise."""
    if one == other:
        return None
    return one == broad and other != broad


def _wider_denial(new: ClaimRecord, old: ClaimRecord) -> tuple[ClaimRecord, ClaimRecord] | None:
    """(denial, affirmation) when two claims of one predicate differ only in that the
    denial is the broader: anyone's instead of an agent's, a class instead of a weapon of it
    ("never used chemical weapons" against "used sarin"). None otherwise."""
    if new.predicate is None or new.predicate != old.predicate or new.polarity == old.polarity:
        return None
    denial, affirmation = (new, old) if new.polarity != AFFIRM else (old, new)
    subject = _broader(denial.subject, affirmation.subject, ANYONE)
    if denial.object in affirmation.universal_classes and affirmation.object != denial.object:
        obj: bool | None = True  # "sent no weapons" covers drones and every other weapon
    else:
        obj = _broader(denial.object, affirmation.object, affirmation.object_class)
    if subject is False or obj is False or (subject is None and obj is None):
        return None
    return denial, affirmation


def _universal_verdict(new: ClaimRecord, old: ClaimRecord,
                       places: Gazetteer | None) -> Verdict | None:
    """A denial broader than an affirmation it covers; nothing else across propositions."""
    pair = _wider_denial(new, old)
    if pair is None:
        return None
    denial, affirmation = pair
    if _elsewhere(denial, affirmation, places or default_gazetteer()):
        return None
    same_voice = new.speaker_key == old.speaker_key or (
        new.institution is not None and new.institution == old.institution)
    who = "anyone" if denial.subject == ANYONE else denial.subject
    return Verdict(REVERSAL if same_voice else CONTRADICTION, (
        f"{_who(denial)} denies that {who} did '{affirmation.predicate} {denial.object}'; "
        f"{_who(affirmation)} affirms '{affirmation.proposition}'"
        + (" (the same voice changed position)." if same_voice else ".")))


def broader_propositions(subject: str, predicate: str, obj: str,
                         obj_class: str | None, universal: frozenset[str] = frozenset()
                         ) -> list[str]:
    """The propositions whose denial would cover this one: anyone's instead of the agent's,
    the weapon's class instead of the weapon, a class of every weapon (`universal`); none for
    one whose object is its subject ("iskander explode")."""
    if subject == obj:
        return []
    subjects = [subject] + ([ANYONE] if subject != ANYONE else [])
    objects = [obj] + ([obj_class] if obj_class and obj_class != obj else []) + [
        u for u in sorted(universal) if u != obj]
    return [proposition_key(s, predicate, o) for s in subjects for o in objects
            if (s, o) != (subject, obj)]


def agrees(new: ClaimRecord, old: ClaimRecord, places: Gazetteer | None = None) -> bool:
    """Two claims that support each other: same proposition and stance, different statements."""
    return (new.proposition == old.proposition and new.statement_id != old.statement_id
            and new.polarity == old.polarity and compare(new, old, places) is None)


R = TypeVar("R")


def _rules_out(scope: str | None, region: R, other_scope: str | None, other: R,
               inside: Callable[[R, R], bool], apart: Callable[[R, R], bool]) -> bool:
    """Whether an affirmation qualified by (scope, region) excludes one qualified by
    (other_scope, other): "only here" against somewhere apart from here, "not here" against
    here or within it. A "not here" on the other side locates nothing to exclude."""
    if other_scope == NOT:
        return False
    if scope == ONLY:
        return apart(other, region)
    if scope == NOT:
        return inside(other, region)
    return False


def _elsewhere(denial: ClaimRecord, affirmation: ClaimRecord, places: Gazetteer) -> bool:
    """A denial and an affirmation that surely speak of different places or periods."""
    if denial.place_id and affirmation.place_id:
        if affirmation.place_scope == NOT:
            # "fired, but not at Shusha" agrees with "not fired at Shusha" (or within it).
            if places.within(denial.place_id, affirmation.place_id):
                return True
        elif places.apart(affirmation.place_id, denial.place_id):
            return True
    elif _unlisted_places_apart(denial, affirmation):
        return True
    if denial.period and affirmation.period:
        if affirmation.time_scope == NOT:
            return _period_inside(denial.period, affirmation.period)
        return _periods_apart(affirmation.period, denial.period)
    # A claim with no time of its own speaks of what happened before it was made: "Syria
    # used sarin" said in 2017 is not about a day in 2018 the other side names.
    for dated, undated in ((denial, affirmation), (affirmation, denial)):
        if dated.time_start is not None and dated.time_scope != NOT and \
                undated.period is None and undated.said_on is not None and \
                dated.time_start > undated.said_on:
            return True
    return False


def _unlisted_places_apart(denial: ClaimRecord, affirmation: ClaimRecord) -> bool:
    """Two places the gazetteer does not know, named as written ("in Douma", "в Хан-Шейхуне"):
    apart when their names cannot be one place's in two scripts or cases."""
    if denial.place_id or affirmation.place_id or not (denial.place and affirmation.place):
        return False
    if NOT in (denial.place_scope, affirmation.place_scope):
        return False
    return not may_be_same_place(fold(denial.place), fold(affirmation.place))


def _place_verdict(new: ClaimRecord, old: ClaimRecord, places: Gazetteer) -> Verdict | None:
    if not (new.place_id and old.place_id):
        return None
    for one, other in ((new, old), (old, new)):
        if _rules_out(one.place_scope, one.place_id, other.place_scope, other.place_id,
                      places.within, places.apart):
            here, there = places.name(one.place_id), places.name(other.place_id)
            if one.place_scope == ONLY:
                sentence = (f"{_who(one)} says '{one.proposition}' happened only in {here}; "
                            f"{_who(other)} says it happened in {there}, which lies outside "
                            f"{here}.")
            else:
                relation = "" if one.place_id == other.place_id else \
                    f", which lies within {here}"
                sentence = (f"{_who(one)} says '{one.proposition}' did not happen in {here}; "
                            f"{_who(other)} says it happened in {there}{relation}.")
            return Verdict(PLACE, sentence)
    return None


def _time_verdict(new: ClaimRecord, old: ClaimRecord) -> Verdict | None:
    if not (new.period and old.period):
        return None
    for one, other in ((new, old), (old, new)):
        if _rules_out(one.time_scope, one.period, other.time_scope, other.period,
                      _period_inside, _periods_apart):
            if one.time_scope == ONLY:
                sentence = (f"{_who(one)} says '{one.proposition}' happened only "
                            f"{_when(one)}; {_who(other)} says it happened {_when(other)}, "
                            "outside that period.")
            else:
                sentence = (f"{_who(one)} says '{one.proposition}' did not happen "
                            f"{_when(one)}; {_who(other)} says it happened {_when(other)}, "
                            "within that period.")
            return Verdict(TIME, sentence)
    return None


# Counts of these predicates are running totals ("Russia lost four aircraft" is a count up
# to the day it is said): a later, larger total is the count having grown, not a conflict.
CUMULATIVE = frozenset({"lose"})


def _total_grew(new: ClaimRecord, old: ClaimRecord) -> bool:
    """Two running totals where the one given as of a later day is the larger."""
    if new.predicate not in CUMULATIVE:
        return False
    new_day, old_day = new.time_end or new.said_on, old.time_end or old.said_on
    if new_day is None or old_day is None or new_day == old_day:
        return False
    later, earlier = (new, old) if new_day > old_day else (old, new)
    assert later.quantity is not None and earlier.quantity is not None
    return later.quantity > earlier.quantity


def _same_scope(new: ClaimRecord, old: ClaimRecord) -> bool:
    """Counts compare only for one place and period (or where either side names no place,
    and neither names a period). A count for a period against one that names none is most
    often a day's count against a total ("three on Sunday", "nine in all")."""
    if new.place_id and old.place_id and new.place_id != old.place_id:
        return False
    if bool(new.period) != bool(old.period):
        return False
    return not (new.period and old.period and new.period != old.period)


def _when(record: ClaimRecord) -> str:
    first, last = record.time_start, record.time_end
    if first is not None and first == last:
        days = f"on {first.isoformat()}"
    elif first is not None and last is not None:
        days = f"from {first.isoformat()} to {last.isoformat()}"
    elif first is not None:
        days = f"from {first.isoformat()} on"
    else:
        days = f"up to {last.isoformat() if last else '?'}"
    return f"'{record.time}' ({days})" if record.time else days


Period = tuple[date | None, date | None]


def _period_inside(inner: Period, outer: Period) -> bool:
    """Whether every day of `inner` lies in `outer` (None is an open side)."""
    (first, last), (outer_first, outer_last) = inner, outer
    return (outer_first is None or (first is not None and first >= outer_first)) and \
        (outer_last is None or (last is not None and last <= outer_last))


def _periods_apart(one: Period, other: Period) -> bool:
    """Whether two periods share no day."""
    return (one[1] is not None and other[0] is not None and one[1] < other[0]) or \
        (other[1] is not None and one[0] is not None and other[1] < one[0])
