"""Answering keys: done, score, n/a, waive, note, pair. Every answer goes through core.draft
(the same rules `golive mark` uses) and is saved at once, so quitting never loses work."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from golive_tui.core.draft import (
    apply_answer,
    check_participant,
    is_override,
    make_answer,
    with_answer,
    with_participant,
    without_answer,
)
from golive_tui.core.errors import DraftError
from golive_tui.core.model import Item, ItemKind, State, Status
from golive_tui.core.verdict import Verdict, confirmation_note
from golive_tui.tui.screens.dialogs import Field, FormDialog, Values
from golive_tui.tui.screens.walk_view import WalkView


@dataclass(frozen=True)
class AnswerFields:
    """What an answer carries besides its state (core.draft.make_answer's fields); empty is
    the same as not given."""

    score: int | None = None
    note: str = ""
    reason: str = ""
    until: str = ""

    def entered(self, values: Values) -> AnswerFields:
        """These fields with a dialog's entries over them (an empty entry clears its field)."""
        return AnswerFields(
            score=self.score,
            note=values.get("note", self.note),
            reason=values.get("reason", self.reason),
            until=values.get("until", self.until),
        )


NO_FIELDS = AnswerFields()


def found_nothing(statuses: Mapping[str, Status]) -> bool:
    """Every detector of the item ran and found nothing (not "could not tell")."""
    return bool(statuses) and all(s is Status.MISSING for s in statuses.values())


class Answering(WalkView):
    def evidence_state(self, item_id: str) -> State | None:
        """The item's state from evidence alone (its answer set aside): decides overrides."""
        answers = {k: v for k, v in self.draft.answers.items() if k != item_id}
        view = next(v for v in self._assess(answers).items if v.item.id == item_id)
        return view.state if view.state in (State.DETECTED, State.AT_RISK) else None

    def answer(self, item: Item, state: State, fields: AnswerFields = NO_FIELDS) -> None:
        """Answer `item`, asking for a note first when that overrides the evidence. Marking an
        item with supporting evidence done confirms it: the note names the evidence."""
        evidence = self.evidence_state(item.id)
        view = self.view_of(item.id)
        if state is State.DONE and view is not None and view.verdict is Verdict.SUPPORTED:
            fields = replace(fields, note=confirmation_note(view.judgement, fields.note))
        override = is_override(state, evidence)
        has_note = bool(fields.note or (state in (State.NA, State.WAIVED) and fields.reason))
        if override and not has_note:
            said = "detected evidence" if evidence is State.DETECTED else "evidence at risk"

            def done(values: Values | None) -> None:
                if values is not None:
                    self.answer(item, state, replace(fields, note=values["note"]))

            self.app.push_screen(
                FormDialog(
                    f"Override {said}?",
                    [Field("note", "Note (required): why the evidence is wrong or accepted")],
                    self._validator(item, state, evidence, fields),
                    hint=f"{item.title}: marking it {state.value} contradicts the scan.",
                ),
                done,
            )
            return
        try:
            draft = apply_answer(
                self.draft,
                item,
                state,
                evidence_state=evidence,
                by=self.deps.identity,
                today=self.deps.today,
                score=fields.score,
                note=fields.note,
                reason=fields.reason,
                until=fields.until,
            )
        except DraftError as exc:
            self.notify(str(exc), severity="error")
            return
        self.commit(draft)

    def _validator(
        self, item: Item, state: State, evidence: State | None, fixed: AnswerFields
    ) -> Callable[[Values], str | None]:
        def validate(values: Values) -> str | None:
            fields = fixed.entered(values)
            try:
                make_answer(
                    item,
                    state,
                    evidence_state=evidence,
                    by="",
                    at="",
                    today=self.deps.today,
                    score=fields.score,
                    note=fields.note,
                    reason=fields.reason,
                    until=fields.until,
                )
            except DraftError as exc:
                return str(exc).split(": ", 1)[-1]
            return None

        return validate

    def _item(self) -> Item | None:
        view = self.current
        if view is None:
            self.notify("No item selected.", severity="warning")
            return None
        return view.item

    def action_toggle_done(self) -> None:
        if not self.editable():
            return
        view = self.current
        if view is None:
            return
        if view.item.kind is ItemKind.SCORE:
            self.notify("Score item: press 0, 1 or 2 (the rubric is in the detail).")
            return
        closed = view.state in (State.DONE, State.DETECTED)
        if not closed and found_nothing(view.detector_statuses):
            self._ask_note_for_absent(view.item)
            return
        self.answer(view.item, State.TODO if closed else State.DONE)

    def action_confirm(self) -> None:
        """One key for what a person confirms: the item's supporting evidence, with its verify."""
        view = self.current
        if view is None:
            return
        if view.item.kind is ItemKind.SCORE:
            self.notify("Score item: press 0, 1 or 2 (the rubric is in the detail).")
            return
        if not view.to_confirm:
            said = {
                State.DETECTED: "it is proven by its evidence already",
                State.AT_RISK: "its evidence puts it at risk (space overrides, with a note)",
            }.get(view.state, "no supporting evidence waits for a person here")
            self.notify(f"Nothing to confirm: {said}.")
            return
        self.answer(view.item, State.DONE)
        confirmed = self.view_of(view.item.id)
        if confirmed is not None and confirmed.state is State.DONE:
            self.notify("Confirmed from its evidence.", timeout=2)

    def _ask_note_for_absent(self, item: Item) -> None:
        """The scan looked and found nothing: ticking it done needs a word on why (as
        overriding evidence does), so the record never says "done" on silence."""

        def done(values: Values | None) -> None:
            if values is not None:
                self.answer(item, State.DONE, AnswerFields(note=values["note"]))

        self.app.push_screen(
            FormDialog(
                f"Done without evidence: {item.title}",
                [Field("note", "Note (required): how do you know it is done?")],
                lambda v: (
                    None if v["note"].strip() else "a note is required: the scan found nothing"
                ),
                hint="The detectors looked and found no evidence of this in the code.",
            ),
            done,
        )

    def action_score(self, value: int) -> None:
        if not self.editable():
            return
        item = self._item()
        if item is None:
            return
        if item.kind is not ItemKind.SCORE:
            self.notify("Only score items take 0, 1 or 2; press space to tick a check.")
            return
        self.answer(item, State.DONE, AnswerFields(score=value))

    def action_na(self) -> None:
        fields = [Field("reason", "Reason (required): why it does not apply")]
        self._set_aside(State.NA, "n/a cleared", "Not applicable", fields)

    def action_waive(self) -> None:
        fields = [
            Field("reason", "Reason (required): why it is accepted for now"),
            Field("until", "Until (required): expiry date", placeholder="YYYY-MM-DD"),
        ]
        self._set_aside(State.WAIVED, "waiver cleared", "Waive", fields)

    def _set_aside(self, state: State, cleared: str, title: str, fields: list[Field]) -> None:
        """n/a and waive: the same key clears an answer already in that state, else asks why."""
        if not self.editable():
            return
        view = self.current
        if view is None:
            return
        if view.answer is not None and view.answer.state is state:
            self.commit(without_answer(self.draft, view.item.id), cleared)
            return
        self._form(view.item, state, self.evidence_state(view.item.id), title, fields)

    def _form(
        self, item: Item, state: State, evidence: State | None, title: str, fields: list[Field]
    ) -> None:
        if is_override(state, evidence):
            fields = [
                *fields,
                Field("note", "Note (overrides the scan; the reason serves if empty)"),
            ]

        def done(values: Values | None) -> None:
            if values is not None:
                self.answer(item, state, NO_FIELDS.entered(values))

        self.app.push_screen(
            FormDialog(
                f"{title}: {item.title}", fields, self._validator(item, state, evidence, NO_FIELDS)
            ),
            done,
        )

    def action_note(self) -> None:
        if not self.editable():
            return
        view = self.current
        if view is None:
            return
        item, answer = view.item, view.answer

        def done(values: Values | None) -> None:
            if values is None:
                return
            note = values["note"]
            if answer is not None:
                self.commit(with_answer(self.draft, answer._replace(note=note)), "note saved")
                return
            if not note:
                return
            # No answer yet: keep what the evidence says (detected stays done, at risk stays open).
            state = State.DONE if view.state is State.DETECTED else State.TODO
            try:
                new = make_answer(item, state, note=note, by=self.deps.identity)
            except DraftError as exc:
                self.notify(str(exc), severity="error")
                return
            self.commit(with_answer(self.draft, new), "note saved")

        self.app.push_screen(
            FormDialog(
                f"Note: {item.title}",
                [Field("note", "Note", value=answer.note if answer else "")],
            ),
            done,
        )

    def action_as_detected(self) -> None:
        """Drop the item's answer: back to what the evidence alone says."""
        if not self.editable():
            return
        view = self.current
        if view is None or view.answer is None:
            self.notify("No answer on this item: it already shows what the scan found.")
            return
        self.commit(without_answer(self.draft, view.item.id), "back to as detected")

    def action_undo(self) -> None:
        """Take back the last change of answers (this walk's, newest first)."""
        if not self.editable():
            return
        if not self.undo_stack:
            self.notify("Nothing to undo in this walk.")
            return
        before = self.undo_stack.pop()
        changed = set(before.answers) ^ set(self.draft.answers) | {
            k for k in before.answers if before.answers.get(k) != self.draft.answers.get(k)
        }
        depth = len(self.undo_stack)
        self.commit(replace(self.draft, answers=before.answers), "undone")
        if len(self.undo_stack) > depth:
            self.undo_stack.pop()  # the undo itself is not something to undo
        if len(changed) == 1:
            self.items.select_id(next(iter(changed)))

    def action_pair(self) -> None:
        if not self.editable():
            return

        def done(values: Values | None) -> None:
            if values is None:
                return
            try:
                draft = with_participant(self.draft, check_participant(values["who"]))
            except DraftError as exc:
                self.notify(str(exc), severity="error")
                return
            self.commit(draft, f"{values['who'].strip()} joined the walk")

        def validate(values: Values) -> str | None:
            try:
                check_participant(values["who"])
            except DraftError as exc:
                return str(exc)
            return None

        self.app.push_screen(
            FormDialog(
                "Pair: who is walking with you?",
                [Field("who", "Name <email>", placeholder="Grace Hopper <grace@example.com>")],
                validate,
                hint="Participants: " + (", ".join(self.draft.participants) or "none yet"),
            ),
            done,
        )
