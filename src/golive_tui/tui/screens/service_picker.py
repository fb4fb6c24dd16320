"""Which service to walk, when a repository has several: a list to pick from, before the walk.

Shown by `golive walk` without --service in a repository of several services. The service
walked last (kept in the repository's private state dir) is highlighted, so Enter walks it
again; q or Escape leaves without walking.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Label, OptionList
from textual.widgets.option_list import Option

from golive_tui.core.services.model import Service
from golive_tui.tui.present import literal


def service_option(service: Service) -> Option:
    """One row: the service's name, then its main package (repository text, shown literally)."""
    prompt = Content.assemble(
        literal(service.name, "bold", multiline=False),
        "  ",
        literal(service.main, "dim", multiline=False),
    )
    return Option(prompt, id=service.name)


class ServicePickerApp(App[str]):
    """Returns the chosen service's name; "" when the user leaves without choosing."""

    TITLE = "golive"
    SUB_TITLE = "which service?"
    CSS = """
    #picker { padding: 1 2; height: auto; }
    #picker-title { margin-bottom: 1; }
    #services { height: auto; max-height: 20; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "leave", "Quit", id="picker.quit"),
        Binding("ctrl+c", "leave", "Quit", id="picker.ctrl_c", show=False),
    ]

    def __init__(self, services: Sequence[Service], last: str = "") -> None:
        super().__init__()
        self.services = tuple(services)
        self.last = last

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(
                f"This repository has {len(self.services)} services. "
                "Each has its own walk, record and gate: which one now?",
                id="picker-title",
            )
            yield OptionList(*(service_option(s) for s in self.services), id="services")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#services", OptionList)
        names = [s.name for s in self.services]
        options.highlighted = names.index(self.last) if self.last in names else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.exit(event.option.id or "")

    def action_leave(self) -> None:
        self.exit("")
