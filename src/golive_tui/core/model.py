"""The shared vocabulary of golive: checklists, evidence and answers.

Every layer (loader, detectors, engine, draft, record, UI) speaks in these immutable named
tuples, so they stay plain data: cheap to compare, hash, serialise and test. Named tuples
(core.tuples), not frozen dataclasses: the eleven classes here cost every command that loads a
checklist ~14 ms to define as dataclasses (slow-machine figures: 31 ms against ~3), and an
Item is built ~4x faster. `._replace` stands for `dataclasses.replace`.
"""

from __future__ import annotations

import datetime as dt
import enum

# What detectors report lives in core/evidence.py (a scan imports only that); named here too.
from golive_tui.core.evidence import DetectorDef as DetectorDef
from golive_tui.core.evidence import DetectorResult as DetectorResult
from golive_tui.core.evidence import Evidence as Evidence
from golive_tui.core.evidence import Polarity as Polarity
from golive_tui.core.evidence import Status as Status
from golive_tui.core.evidence import status_of_polarities as status_of_polarities
from golive_tui.core.states import State as State
from golive_tui.core.tuples import NamedTuple

# --------------------------------------------------------------------------- checklists


class Priority(enum.StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"


class ItemKind(enum.StrEnum):
    CHECK = "check"  # done / not done
    SCORE = "score"  # 0 / 1 / 2 against a rubric


class DetectMode(enum.StrEnum):
    ALL = "all"  # every proving detector must be found
    ANY = "any"  # one found proving detector is enough


class Role(enum.StrEnum):
    """What a linked detector's `found` establishes for an item (issue 11: proof, not presence)."""

    PROVES = "proves"  # found ticks the item (state detected)
    SUPPORTS = "supports"  # found is shown; a person confirms the item


class Detect(NamedTuple):
    """Which detectors settle (`detectors`, the proving ones) or inform (`supports`) an item.

    `detectors` keeps its name from the older `any`/`all` shape, whose lists meant "proves";
    `legacy` says the definition was written in that shape (lint warns about it).
    """

    mode: DetectMode
    detectors: tuple[str, ...]  # proves: a found result may tick the item
    supports: tuple[str, ...] = ()  # shown as evidence; never ticks
    legacy: bool = False  # how it was written, not what it means: not compared
    origin: str = ""  # "file:line: key.path" of the detect key: not compared

    # What the definition means, not how or where it was written: `legacy` and `origin` take
    # no part in equality (a field(compare=False) when this was a dataclass).
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Detect):
            return NotImplemented
        return self[:3] == other[:3]

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, Detect):
            return NotImplemented
        return self[:3] != other[:3]

    def __hash__(self) -> int:
        return hash(self[:3])

    @property
    def proves(self) -> tuple[str, ...]:
        return self.detectors

    @property
    def linked(self) -> tuple[str, ...]:
        """Every linked detector, proving ones first: all of them can put the item at risk."""
        return (*self.detectors, *(d for d in self.supports if d not in self.detectors))

    def role(self, detector: str) -> Role:
        return Role.PROVES if detector in self.detectors else Role.SUPPORTS


def _first(globs: tuple[str, ...], n: int = 4) -> str:
    shown = ", ".join(globs[:n])
    return shown + (f" or {len(globs) - n} more" if len(globs) > n else "")


class AppliesWhen(NamedTuple):
    """Preconditions: the item applies when any listed file glob matches or Go import is used.

    Empty tuples on both sides mean "always applies".
    """

    files: tuple[str, ...] = ()
    go_imports: tuple[str, ...] = ()
    # What an automatic "not applicable" means, in the checklist's words ("the service uses
    # no SQL database"); `reason()` words one from the globs when the checklist gives none.
    na_reason: str = ""

    @property
    def always(self) -> bool:
        return not self.files and not self.go_imports

    def reason(self) -> str:
        """Why the item is not applicable when none of its conditions holds (never empty for
        a conditional item: an automatic n/a always carries its reason)."""
        if self.always:
            return ""
        found = []
        if self.files:
            found.append(f"no file matches {_first(self.files)}")
        if self.go_imports:
            found.append(f"no Go code imports {_first(self.go_imports)}")
        shown = " and ".join(found)
        return f"{self.na_reason} ({shown})" if self.na_reason else shown


class Item(NamedTuple):
    id: str
    title: str
    why: str
    verify: str
    remediation: str
    priority: Priority
    kind: ItemKind = ItemKind.CHECK
    tags: tuple[str, ...] = ()
    detect: Detect | None = None
    applies_when: AppliesWhen = AppliesWhen()
    rubric: tuple[str, ...] = ()  # score items: exactly three sentences, for 0, 1 and 2
    weight: float = 1.0
    source: str = ""  # seed document file name(s), or the team's own reference
    watch: tuple[str, ...] = ()  # globs whose change re-asks a manual item next release
    revalidate_after: int | None = None  # days after which a manual answer is re-asked
    note: str = ""  # editorial note shown with the item (e.g. "modernised: Dep -> Go modules")
    aliases: tuple[str, ...] = ()  # former ids: drafts and records that name them still resolve
    practice: str = ""  # shared practice key: one priority for it across checklists
    section: str = ""  # id of the section holding the item
    origin: str = ""  # "file:line" where the item was defined, for messages


class Section(NamedTuple):
    id: str
    title: str
    items: tuple[Item, ...]
    description: str = ""


class PassRule(enum.StrEnum):
    ALL_DONE = "all_done"  # every applicable item done, detected, n/a or validly waived
    NO_OPEN_P0 = "no_open_p0"  # no P0 item left open or at risk
    MIN_SCORE = "min_score"  # a scoring model reaches `min_score`


class Profile(NamedTuple):
    """A named subset of items with a pass rule, e.g. the pre-launch quick gate."""

    id: str
    title: str
    items: tuple[str, ...]  # resolved item ids (explicit ids plus priority/tag selections)
    rule: PassRule = PassRule.ALL_DONE
    description: str = ""
    scoring: str = ""  # with MIN_SCORE: the scoring model id
    min_score: float = 0.0


class Band(NamedTuple):
    """A label for totals in [min, max] (max None = no upper bound)."""

    min: float
    label: str
    max: float | None = None
    description: str = ""


class Dimension(NamedTuple):
    id: str
    title: str
    weight: float
    items: tuple[str, ...]


class ScoringMethod(enum.StrEnum):
    POINTS = "points"  # sum of score items (0-2 each); checks count 0 or 2
    WEIGHTED = "weighted"  # dimensions weighted to a 0..scale total


class Scoring(NamedTuple):
    id: str
    title: str
    method: ScoringMethod
    bands: tuple[Band, ...]
    items: tuple[str, ...] = ()  # POINTS
    dimensions: tuple[Dimension, ...] = ()  # WEIGHTED
    scale: float = 100.0  # WEIGHTED
    description: str = ""


class Dropped(NamedTuple):
    """An item a team's extension removed, with the reason it gave (kept for the record)."""

    id: str
    reason: str


class Checklist(NamedTuple):
    id: str
    title: str
    version: str
    description: str
    source: tuple[str, ...]
    sections: tuple[Section, ...]
    profiles: tuple[Profile, ...] = ()
    scoring: tuple[Scoring, ...] = ()
    extends: str = ""
    dropped: tuple[Dropped, ...] = ()
    path: str = ""  # file it was loaded from
    sha256: str = ""  # of the definition file(s) as loaded: own file
    parent_sha256: tuple[str, ...] = ()  # of the parents it extends, nearest first
    origin: str = "shipped"  # "shipped" or "repo"
    narrowed_to: str = ""  # the parent's profile this checklist keeps only the items of
    default_profile: str = ""  # the profile gated when neither the user nor the config names one

    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, item_id: str) -> Item:
        """The item with id `item_id`, or whose `aliases` hold it (a former id)."""
        wanted = self.canonical_id(item_id)
        for item in self.items():
            if item.id == wanted:
                return item
        raise KeyError(item_id)

    def canonical_id(self, item_id: str) -> str:
        """`item_id`, or the current id of the item that used to be called so."""
        for item in self.items():
            if item.id == item_id:
                return item_id
        for item in self.items():
            if item_id in item.aliases:
                return item.id
        return item_id

    def profile(self, profile_id: str) -> Profile:
        for profile in self.profiles:
            if profile.id == profile_id:
                return profile
        raise KeyError(profile_id)


# --------------------------------------------------------------------------- answers


class Source(enum.StrEnum):
    DETECTED = "detected"
    MANUAL = "manual"
    OVERRIDE = "override"  # a person overrode detected / at-risk evidence (note required)
    CARRIED = "carried"  # carried forward from an earlier release's record


class Answer(NamedTuple):
    """A person's answer to one item (the draft stores these; evidence-only states are derived)."""

    item_id: str
    state: State
    source: Source = Source.MANUAL
    score: int | None = None  # score items: 0, 1 or 2
    note: str = ""
    reason: str = ""  # required for NA and WAIVED
    until: str = ""  # ISO date, required for WAIVED
    by: str = ""  # "Name <email>" from git config
    at: str = ""  # ISO-8601 UTC timestamp
    carried_from: str = ""  # release name when carried forward


def waiver_expired(until: str, today: dt.date) -> bool:
    """A waiver is valid through its `until` day; one with no readable date is not valid at all."""
    try:
        return dt.date.fromisoformat(until) < today
    except ValueError:
        return True
