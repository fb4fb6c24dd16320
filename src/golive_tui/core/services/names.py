"""Service names: they become folder names under `.golive/records/` and the drafts directory.

A name comes from repository data (`.golive/config.toml`, discovery) or the command line, so it
is checked before it reaches a path: one safe segment, never `..`, `/` or a control character.
"""

from __future__ import annotations

import re

from golive_tui.core.errors import GoliveError

#: One lower-case path segment: what `Service.name` promises (see model.py).
SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
#: Names that would read as something else in a records folder.
_RESERVED_SUFFIXES = (".toml", ".lock")


class ServiceNameError(GoliveError):
    """A service name that cannot be a folder name (exit 2: a usage or configuration error)."""


def is_service_name(name: str) -> bool:
    """Whether `name` is safe as one path segment of a records or drafts folder."""
    return bool(SERVICE_NAME.fullmatch(name)) and not name.endswith(_RESERVED_SUFFIXES)


def check_service_name(name: str, where: str = "service") -> str:
    """`name`, or ServiceNameError saying what a service name may hold."""
    if not is_service_name(name):
        shown = name.encode("unicode_escape", "backslashreplace").decode("ascii")[:80]
        raise ServiceNameError(
            f"{where}: {shown!r} is not a usable service name: use lower-case letters, digits, "
            "'.', '_' or '-' (at most 64 characters, starting with a letter or digit)"
        )
    return name
