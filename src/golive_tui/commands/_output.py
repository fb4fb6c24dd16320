"""The command line's output edge: nothing from a repository reaches the terminal as a control.

`golive` runs every command with stdout and stderr wrapped in `PrintableStream`, so whatever a
command prints (checklist titles, notes, paths, error messages quoting them) shows control
characters as visible `\\uXXXX` escapes (core.text.printable). JSON passes through unchanged
in meaning: json.dumps already escapes C0 controls, and the C1 and bidi characters it leaves
raw are rewritten to their JSON escapes. Rich output, which carries golive's own colours, goes
through `console()` instead: repository text is escaped in Rich's segments, not in its styling.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, TextIO, cast

from golive_tui.core.text import printable

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment


class PrintableStream:
    """A text stream that writes `printable(text)` to the stream it wraps."""

    def __init__(self, stream: TextIO) -> None:
        self.unfiltered = stream

    def write(self, text: str) -> int:
        self.unfiltered.write(printable(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        # flush, isatty, fileno, encoding...: as the wrapped stream has them.
        return getattr(self.unfiltered, name)


def wrapped(stream: TextIO) -> TextIO:
    """`stream` behind the printable filter (once: wrapping twice would escape twice)."""
    if isinstance(stream, PrintableStream):
        return cast(TextIO, stream)
    return cast(TextIO, PrintableStream(stream))


def unfiltered(stream: IO[str]) -> IO[str]:
    """The real stream under the filter, for writers that escape their own data (Rich)."""
    return stream.unfiltered if isinstance(stream, PrintableStream) else stream


@contextlib.contextmanager
def unfiltered_streams() -> Iterator[None]:
    """The real stdout and stderr for a while: for the walker, which escapes its own data
    (tui.present.literal) and whose error console colours what it prints after the screen."""
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = unfiltered(stdout), unfiltered(stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def console(stream: IO[str] | None = None) -> Console:
    """A Rich console on `stream` (default stdout) that shows repository text literally.

    No markup or highlighting of the text printed (a title with `[/]` neither restyles the
    output nor raises), and every segment of text escaped with `printable` before Rich adds
    its colours.
    """
    from rich.console import Console
    from rich.segment import Segment

    class _PrintableConsole(Console):
        def on_broken_pipe(self) -> None:
            """A reader that stopped reading (`golive scan | head`): Rich ends the process
            with status 1 here; golive ends it as for its JSON, status 0 and nothing on
            stderr (cli.main). stdout is pointed at /dev/null first, as Rich does, so the
            interpreter's last flush has nowhere to fail."""
            self.quiet = True
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            raise BrokenPipeError

        def render(
            self, renderable: RenderableType, options: ConsoleOptions | None = None
        ) -> Iterator[Segment]:
            for segment in super().render(renderable, options):
                text = segment.text
                if segment.control or text.isprintable():
                    yield segment
                else:
                    yield Segment(printable(text), segment.style, segment.control)

    return _PrintableConsole(
        file=unfiltered(stream if stream is not None else sys.stdout),
        markup=False,
        highlight=False,
    )
