"""What a file is from its name: the one naming rule for Dockerfiles and golangci-lint configs.

Service discovery, the detectors and the walker's source view all ask here, so a
`Dockerfile-arm` is a Dockerfile everywhere or nowhere. Name only, no content and no imports:
discovery runs this on every path of a repository, including on a warm scan.

Dockerfiles: `Dockerfile`/`Containerfile` (any case), followed by `.`, `-` or `_` and a variant
(`Dockerfile.prod`, `Dockerfile-arm`, `dockerfile.auth`), or preceded by one as `api.Dockerfile`;
never when the name ends in an extension that says it is something else (`Dockerfile.md`,
`dockerfile_test.go`, `Dockerfile-guide.txt`, `Dockerfile.tmpl`). A variant name is a claim the
Dockerfile family checks against the content (a FROM instruction) before it reads the file.

golangci-lint configs: `.golangci.<ext>` as golangci-lint looks them up, and `golangci.<ext>`
(passed with `--config`), for ext yml, yaml, toml or json. `golangci.yml.example` is not one.
"""

from __future__ import annotations

import re

_DOCKERFILE_STEMS = ("dockerfile", "containerfile")
_VARIANT_SEPARATORS = frozenset(".-_")

#: Endings that make a Dockerfile-like name something else: documents, code, templates, backups.
_NOT_DOCKERFILE_SUFFIXES = (
    ".dockerignore",
    ".md",
    ".markdown",
    ".rst",
    ".adoc",
    ".txt",
    ".html",
    ".log",
    ".py",
    ".go",
    ".sh",
    ".bash",
    ".ps1",
    ".bat",
    ".js",
    ".ts",
    ".json",
    ".yml",
    ".yaml",
    ".toml",
    ".xml",
    ".rs",
    ".rb",
    ".java",
    ".kt",
    ".c",
    ".h",
    ".php",
    ".tmpl",
    ".tpl",
    ".gotmpl",
    ".template",
    ".j2",
    ".jinja",
    ".jinja2",
    ".erb",
    ".mustache",
    ".example",
    ".sample",
    ".golden",
    ".orig",
    ".bak",
    ".old",
    ".swp",
    ".patch",
    ".diff",
    ".png",
    ".svg",
)

_GOLANGCI_FORMATS = {"yml": "yaml", "yaml": "yaml", "toml": "toml", "json": "json"}


def _name(path: str) -> str:
    return path.rpartition("/")[2]


def dockerfile_kind(path: str) -> str:
    """ "canonical" for `Dockerfile`/`Containerfile`, "variant" for the other Dockerfile names,
    "" when the name is not a Dockerfile's."""
    low = _name(path).lower()
    if "erfile" not in low:  # (dock|contain)erfile: most paths are decided here, cheaply
        return ""
    if low in _DOCKERFILE_STEMS:
        return "canonical"
    if low.endswith(_NOT_DOCKERFILE_SUFFIXES):
        return ""
    for stem in _DOCKERFILE_STEMS:
        size = len(stem)
        if len(low) > size + 1 and (
            (low.startswith(stem) and low[size] in _VARIANT_SEPARATORS) or low.endswith("." + stem)
        ):
            return "variant"
    return ""


def is_dockerfile(path: str) -> bool:
    """A Dockerfile by name (see the module docstring for the rule)."""
    return bool(dockerfile_kind(path))


#: A FROM instruction on a line of its own: what a variant-named file needs to be a Dockerfile.
_FROM = re.compile(r"(?im)^[ \t]*FROM[ \t]+\S")


def is_dockerfile_text(path: str, text: str) -> bool:
    """A Dockerfile by name and content: a variant name (`Dockerfile-notes`) needs a FROM
    line, or it is a note about Dockerfiles; the canonical names are Dockerfiles whatever
    they hold (a broken one is reported as such)."""
    kind = dockerfile_kind(path)
    return kind == "canonical" or (kind == "variant" and _FROM.search(text) is not None)


def golangci_format(path: str) -> str:
    """ "yaml", "toml" or "json" for a golangci-lint config name, "" for any other file."""
    name = _name(path)
    stem, dot, ext = name.rpartition(".")
    if not dot or stem not in (".golangci", "golangci"):
        return ""
    return _GOLANGCI_FORMATS.get(ext, "")
