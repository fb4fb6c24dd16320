"""Each family's `finalize` results, remembered by a digest of everything it reads.

A family's `finalize` is a pure function of its files (path and blob: the blob fixes what was
extracted from it), every path in scope, and golive's own code and data. When none of these
changed, the results are read back instead of computed again. A scan whose whole-report memo
misses (another memo slot, or one edited file) otherwise spent ~25 ms of moby's warm scan
finalizing families whose inputs were the same: CI alone (following CI steps into Makefiles and
Dockerfile stages) ~15 ms, Go ~4, files ~4, Dockerfiles ~2; read back, ~1-2 ms in all.

Files: `<git common dir>/golive/cache/finalize-<family>.marshal` next to the scan cache, one per
family (an edit that changes the Go files rewrites only the Go family's file), each holding the
last few keys' results. Only shipped families are remembered (a repository's own detectors are
not), only when every file has a blob, and only results that read back equal to what was
computed. Anything unreadable or malformed is computed afresh: this can make a scan slower,
never wrong. Like the whole-report memo (memo.py), every key and result is authenticated with
the user's own memo key, so a repository whose `.git/` arrives with these files cannot plant
results.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
from collections.abc import Iterable, Mapping
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity, Status
from golive_tui.core.hashing import blake2b, compare_digest
from golive_tui.core.scan.families import SHIPPED, code_stamp, family_class
from golive_tui.core.scan.seal import user_key

if TYPE_CHECKING:
    from golive_tui.core.scan.detectors.base import Extractor, ScannedFile

#: Bump when what is stored changes shape.
FORMAT = 1
#: Keys kept per family (scan modes alternate: the walker, `--service`, an edit and its undo).
KEEP = 3
#: Largest memo file read.
MAX_BYTES = 64 * 1024 * 1024


class FinalizeMemo:
    """The remembered results of one scan's families; `save()` writes back what was added."""

    def __init__(self, folder: Path | None, families: frozenset[str]) -> None:
        self.folder = folder
        self.families = families  # the shipped families' names: only these are remembered
        self._paths: tuple[tuple[str, ...], str] | None = None  # all_paths and their digest
        self._key_secret: bytes | None = None
        self._stored: dict[str, list[Any]] = {}
        self._dirty: set[str] = set()

    def finalize(
        self, extractor: Extractor, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> list[DetectorResult]:
        """`extractor.finalize(files, all_paths)`, read back when its inputs are unchanged."""
        key = self._key(extractor, files, all_paths)
        if key is None:
            return extractor.finalize(files, all_paths)
        entries = self._entries(extractor.name)
        for index, entry in enumerate(entries):
            if entry[0] == key and compare_digest(entry[2], self._mac(key, entry[1])):
                try:
                    results = _decode(entry[1])
                except Exception:  # malformed: computed afresh below
                    break
                if index:  # kept as the most recently used: edits and their undos come and
                    # go, and the tree they leave was evicted after KEEP of them (moby's warm
                    # scan then imported and ran the Go family again, ~15 ms)
                    entries.insert(0, entries.pop(index))
                    self._dirty.add(extractor.name)
                return results
        results = extractor.finalize(files, all_paths)
        payload = _encode(results)
        if payload is not None:
            kept = [e for e in entries if e[0] != key][: KEEP - 1]
            self._stored[extractor.name] = [[key, payload, self._mac(key, payload)], *kept]
            self._dirty.add(extractor.name)
        return results

    def preload(self, names: Iterable[str]) -> None:
        """Read the remembered results of the families `names` now: the scan memo's warm-up
        calls it while git lists the tree (moby's 8 files ~0.7 ms, 8x moby's ~1.5 ms that
        `finalize` otherwise spends after git answered)."""
        if self.folder is None:
            return
        for name in names:
            if name in self.families:
                self._entries(name)

    def paths_digest(self, all_paths: tuple[str, ...]) -> str:
        """A digest of every path in scope (made once per scan: ~2.5 ms on 8x moby's 26k)."""
        if self._paths is None or self._paths[0] is not all_paths:
            self._paths = (all_paths, _digest("\0".join(all_paths)))
        return self._paths[1]

    def save(self) -> None:
        """Write the families that gained an entry (atomically; a failure is no error)."""
        if self.folder is None:
            return
        from golive_tui.core.atomic import write_atomic

        for name in sorted(self._dirty):
            data = {"format": FORMAT, "python": _python(), "entries": self._stored[name]}
            with contextlib.suppress(OSError, ValueError):  # unwritable: computed next time
                write_atomic(self._file(name), marshal.dumps(data), mode=0o600, durable=False)
        self._dirty.clear()

    def _key(
        self, extractor: Extractor, files: Mapping[str, ScannedFile], all_paths: tuple[str, ...]
    ) -> str | None:
        family = family_class(extractor)
        if (
            self.folder is None
            or extractor.name not in self.families
            or not family.startswith(SHIPPED)
        ):
            return None
        paths = self.paths_digest(all_paths)
        code = code_stamp()
        if self._key_secret is None:
            self._key_secret = user_key() or b""
        if not code or not self._key_secret:
            return None  # no code stamp, or nowhere to keep the user's key: always computed
        head = f"{FORMAT}|{code}|{family}|{extractor.name}@{extractor.version}|{paths}"
        parts = [head]
        items: Iterable[tuple[str, ScannedFile]] = files.items()
        if getattr(extractor, "finalize_sorts", False):  # its results ignore the order
            items = sorted(items, key=itemgetter(0))  # an edit scan lists its file last
        for path, sf in items:  # in order: the order reaches finalize
            if sf.blob is None or sf.scan.meta.get("transient"):
                return None  # not named by its blob alone (outside git, a timed-out rule)
            parts.append(f"{path}\0{sf.blob}")
        return self._mac("\n".join(parts).encode("utf-8", "surrogateescape")).hex()

    def _mac(self, *parts: str | bytes) -> bytes:
        """The user's keyed digest of `parts` (a repository cannot compute it)."""
        digest = blake2b(key=self._key_secret or b"", digest_size=16)
        for part in parts:
            digest.update(part.encode() if isinstance(part, str) else part)
            digest.update(b"\0")
        return digest.digest()

    def _entries(self, name: str) -> list[Any]:
        if name not in self._stored:
            self._stored[name] = self._read(name)
        return self._stored[name]

    def _read(self, name: str) -> list[Any]:
        from golive_tui.core.confine import read_capped

        try:  # a regular file under a cap: never a link out of .git, a device or a FIFO
            data = marshal.loads(read_capped(self._file(name), MAX_BYTES))
        except Exception:  # missing, refused, unreadable or not marshal: nothing remembered
            return []
        if not (
            isinstance(data, dict)
            and data.get("format") == FORMAT
            and data.get("python") == _python()
            and isinstance(data.get("entries"), list)
        ):
            return []
        return [
            e
            for e in data["entries"]
            if isinstance(e, list)
            and len(e) == 3
            and isinstance(e[0], str)
            and isinstance(e[1], bytes)
            and isinstance(e[2], bytes)
        ]

    def _file(self, name: str) -> Path:
        assert self.folder is not None
        return self.folder / f"finalize-{name}.marshal"


def _digest(text: str) -> str:
    return blake2b(text.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _python() -> str:
    return f"{sys.version_info[0]}.{sys.version_info[1]}/{marshal.version}"


def _encode(results: list[DetectorResult]) -> bytes | None:
    """Plain data for `results`, or None when it would not read back equal (kept computed)."""
    data = [
        [
            r.id,
            r.title,
            r.status.value,
            r.summary,
            [
                [e.path, e.line, e.end_line, e.polarity.value, e.snippet, e.blob, e.facts]
                for e in r.evidence
            ],
        ]
        for r in results
    ]
    try:
        payload = marshal.dumps(data)
        same = _decode(payload) == results
    except Exception:  # a value marshal cannot hold (or that differs once read back)
        return None
    return payload if same else None


def _decode(payload: bytes) -> list[DetectorResult]:
    return [
        DetectorResult(
            rid,
            title,
            Status(status),
            summary,
            tuple(
                Evidence(path, line, end, Polarity(pol), snippet, blob, facts)
                for path, line, end, pol, snippet, blob, facts in evidence
            ),
        )
        for rid, title, status, summary, evidence in marshal.loads(payload)
    ]
