"""Where CI hands over to something the CI family does not read, so "no CI step runs the
tests" would not be honest: a reusable workflow from another repository (or a local one that
is not there), a GitLab `include:` of a project, template, remote or component, and a
`make`/`task`/script call the CI family could not resolve to a file it read.

When a CI detector found nothing and one of these exists, its result is "could not tell"
(error) naming the first one, never "missing"; when it found something, that stands.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from typing import Any

from golive_tui.core.scan.detectors import common, yamlutil
from golive_tui.core.scan.detectors.base import ScannedFile

#: At most this many hand-overs remembered per CI file (they are only named, never followed).
MAX_PER_FILE = 20
#: What a script path looks like (anything else is a misread word, not a hand-over).
_PATH = re.compile(r"[\w.@+/-]+")
#: `include:` keys GitLab resolves from outside the repository.
_GITLAB_FOREIGN = ("project", "remote", "template", "component")


def hand_overs(doc: yamlutil.Node | None, system: str) -> list[list[Any]]:
    """[line, what, local path or ""] for each reusable workflow (GitHub, job-level `uses:`)
    and each GitLab `include:` of one CI document."""
    out: list[list[Any]] = []
    if system == "github":
        for _, job in yamlutil.items(yamlutil.get(doc, "jobs")):
            uses = yamlutil.get(job, "uses")
            target = yamlutil.scalar(uses)
            if uses is not None and target:
                local = target[2:].split("@", 1)[0] if target.startswith("./") else ""
                out.append([yamlutil.line(uses), f"uses: {target}", local])
    elif system == "gitlab":
        include = yamlutil.get(doc, "include")
        entries = yamlutil.seq(include) if isinstance(include, yamlutil.SequenceNode) else [include]
        for entry in entries:
            if entry is None:
                continue
            plain = yamlutil.scalar(entry)
            if plain is not None:  # `include: 'path'` or a URL
                remote = plain.startswith(("http://", "https://"))
                out.append([yamlutil.line(entry), f"include: {plain}", "" if remote else plain])
                continue
            named = yamlutil.scalar(yamlutil.get(entry, "local"))
            if named:
                out.append([yamlutil.line(entry), f"include: {named}", named])
            for key in _GITLAB_FOREIGN:
                value = yamlutil.scalar(yamlutil.get(entry, key))
                if value:
                    out.append([yamlutil.line(entry), f"include: {key} {value}", ""])
    return [[line, common.snippet(what, 100), local.lstrip("/")] for line, what, local in out][
        :MAX_PER_FILE
    ]


Resolve = Callable[[Mapping[str, ScannedFile], Any, str], list[tuple[str, str]]]


def unseen(
    files: Mapping[str, ScannedFile], ci_files: Mapping[str, ScannedFile], resolve: Resolve
) -> list[str]:
    """`path:line: what` for every hand-over of the CI files that leads out of what the CI
    family read, in path order."""
    out: list[str] = []
    for path in sorted(ci_files):
        meta = ci_files[path].scan.meta
        for line, what, local in meta.get("hand_overs", []):
            if not local or local not in files:
                out.append(f"{path}:{line}: {what}")
        lines: set[object] = set()
        for call in meta.get("calls", []):
            key = (call[3], call[0], str(call[1]), str(call[2]))
            if key in lines:
                continue  # one step read once per matrix leg (other arguments): named once
            lines.add(key)
            if call[0] == "script" and not _PATH.fullmatch(str(call[1] or " ".join(call[2]))):
                continue  # not a script path (a word of a command substitution)
            if call[0] == "script" and not call[1]:
                continue  # `docker run image ./entrypoint.sh`: a path in the container
            if call[0] in ("bake", "dockerfile"):
                continue  # followed (and judged) by the CI following
            reached = resolve(files, call, path)
            hidden = next((h for f, t in reached if (h := _hidden_include(files, f, t))), "")
            if not reached or hidden:
                at = f"{path}:{call[3]}: {common.snippet(str(call[4]), 80)}"
                out.append(f"{at} (in {hidden})" if hidden else at)
    return out


def _hidden_include(files: Mapping[str, ScannedFile], makefile: str, target: str) -> str:
    """The include a make target may be defined in when the Makefile does not define it and
    includes a file this did not read (`include $(SHARED)/common.mk`); "" otherwise."""
    meta = files[makefile].scan.meta if makefile in files else {}
    if not target or target in meta.get("targets", {}):
        return ""
    folder = common.dirname(makefile)
    for inc in meta.get("includes", [])[:MAX_PER_FILE]:
        for word in str(inc).split():
            path = posixpath.normpath(posixpath.join(folder, word)) if folder else word
            if path not in files:
                return f"{makefile}: include {common.snippet(word, 60)}"
    return ""


def wording(what: str) -> common.ErrorWording:
    """How a CI detector that found nothing says it could not tell."""
    return common.ErrorWording(
        failed=lambda places: (
            f"no CI step here runs {what}; could not tell what {places[0]} runs"
            " (it hands over to a workflow, include or file this does not read)"
            + (f" and {len(places) - 1} more hand-over(s)" if len(places) > 1 else "")
        ),
        noted=lambda summary, places: summary,
    )
