"""One exception type per boundary, each carrying a message fit to print as is."""

from __future__ import annotations


class GoliveError(Exception):
    """Base for every error golive reports to a user without a traceback."""

    exit_code = 2


class ChecklistError(GoliveError):
    """A checklist definition is invalid; `problems` lists every finding as 'file:line: key: ...'."""

    exit_code = 1

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class RepoError(GoliveError):
    """The path cannot be scanned (missing, unreadable, bare clone...)."""


class DraftError(GoliveError):
    """The draft cannot be read, written or locked."""


class RecordError(GoliveError):
    """A readiness record is malformed, tampered or cannot be written."""

    exit_code = 1


class SigningError(GoliveError):
    """Signing or verification could not run (no key, no ssh-keygen/gpg, agent down...)."""
