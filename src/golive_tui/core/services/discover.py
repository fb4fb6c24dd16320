"""STAND-IN for service discovery (issue 12): declared services only.

Reads `[services.NAME] main = "..."` from `.golive/config.toml` and nothing else; a repository
that declares none is one service (`ServiceMap()`). The full discovery (Dockerfiles, manifests,
CI jobs, import closures) replaces this module; records, drafts and the gate only rely on
`discover(root) -> ServiceMap`.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from golive_tui.core import tomlsafe
from golive_tui.core.confine import UnsafePathError, read_confined
from golive_tui.core.scan.config import CONFIG_PATH, MAX_CONFIG_BYTES, ConfigError
from golive_tui.core.services.model import Link, LinkKind, Service, ServiceMap
from golive_tui.core.services.names import is_service_name

#: At most this many declared services (a repository cannot make golive walk without end).
MAX_SERVICES = 256


def discover(root: Path) -> ServiceMap:
    """The services `.golive/config.toml` declares, sorted by name; ServiceMap() when none."""
    try:
        text = read_confined(root, CONFIG_PATH, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return ServiceMap()
    except UnsafePathError as exc:
        raise ConfigError(f"{CONFIG_PATH}: {exc.why}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{CONFIG_PATH}: cannot be read: {exc}") from None
    try:
        data = tomlsafe.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{CONFIG_PATH}: invalid TOML: {exc}") from None
    raw = data.get("services", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{CONFIG_PATH}: services: expected tables ([services.NAME])")
    if len(raw) > MAX_SERVICES:
        raise ConfigError(f"{CONFIG_PATH}: services: at most {MAX_SERVICES} services")
    return ServiceMap(services=tuple(_service(name, raw[name]) for name in sorted(raw)))


def _service(name: str, table: Any) -> Service:
    if not is_service_name(name):
        shown = name.encode("unicode_escape", "backslashreplace").decode("ascii")[:80]
        raise ConfigError(
            f"{CONFIG_PATH}: services.{shown}: expected a service name of lower-case letters, "
            "digits, '.', '_' or '-' (at most 64, starting with a letter or digit)"
        )
    if not isinstance(table, dict):
        raise ConfigError(f"{CONFIG_PATH}: services.{name}: expected a table")
    main = table.get("main", ".")
    if not isinstance(main, str) or not main or len(main) > 1024:
        raise ConfigError(f"{CONFIG_PATH}: services.{name}.main: expected a directory path")
    link = Link(LinkKind.DECLARED, CONFIG_PATH, 0, f"[services.{name}]")
    return Service(name=name, main=main, links=(link,), declared=True)
