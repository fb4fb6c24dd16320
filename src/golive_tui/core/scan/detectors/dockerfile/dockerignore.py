"""docker.dockerignore: a .dockerignore for each Dockerfile the family read and found to be one
(a `Dockerfile-notes` without a FROM line is not), by path: `<Dockerfile>.dockerignore` next to
it (BuildKit's rule), one in its folder, or one at the repository root (the usual context)."""

from __future__ import annotations

from golive_tui.core.evidence import DetectorResult, Evidence, Polarity
from golive_tui.core.scan.detectors import common

DETECTOR = "docker.dockerignore"


def _file_ev(path: str, polarity: Polarity, snippet: str, dockerfile: str) -> Evidence:
    return Evidence(path, 1, 1, polarity, snippet, None, {"dockerfile": dockerfile})


def dockerignore(dockerfiles: list[str], all_paths: tuple[str, ...]) -> DetectorResult:
    """One evidence item per Dockerfile: its .dockerignore, or contrary without one."""
    det = DETECTOR
    title = common.title_of(det)
    if not dockerfiles:
        return common.not_applicable(det, title, "no Dockerfile in the repository")
    # Only the candidates are asked whether they are foreign (not all paths: ~1.3 ms on moby).
    listed = set(all_paths)
    ev: list[Evidence] = []
    for df in dockerfiles:
        folder = common.dirname(df)
        candidates = [
            f"{df}.dockerignore",  # BuildKit: <Dockerfile>.dockerignore next to it wins
            f"{folder}/.dockerignore" if folder else ".dockerignore",
            ".dockerignore",  # the repository root is the usual build context
        ]
        found = next((c for c in candidates if c in listed and not common.is_foreign(c)), None)
        if found:
            ev.append(_file_ev(found, Polarity.POSITIVE, f"{found} (for {df})", df))
        else:
            ev.append(_file_ev(df, Polarity.CONTRARY, f"no .dockerignore for {df}", df))
    with_ignore = sum(e.polarity is Polarity.POSITIVE for e in ev)
    summary = (
        f"{with_ignore} of {common.plural(len(dockerfiles), 'Dockerfile')} have a .dockerignore"
    )
    return common.result(det, title, ev, summary)
