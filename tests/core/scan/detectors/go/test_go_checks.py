"""The Go checks as units: each detector and gate belongs to exactly one check."""

from __future__ import annotations

import pytest

from golive_tui.core.scan.detectors.catalog import shipped_catalog
from golive_tui.core.scan.detectors.go import extractor
from golive_tui.core.scan.detectors.go.checks import CHECKS


def test_every_go_detector_is_one_checks_and_in_the_catalog_order() -> None:
    ids = [d.id for check in CHECKS for d in check.detectors]
    assert len(ids) == len(set(ids))
    catalog = [i for i, d in shipped_catalog().items() if d.family == "go_source"]
    assert list(extractor.DETECTORS) == catalog
    assert set(ids) == set(catalog)


def test_gates_are_named_once_and_blame_only_their_checks_detectors() -> None:
    names = [g.name for g in extractor.GATES]
    assert len(names) == len(set(names))
    for check in CHECKS:
        own = {d.id for d in check.detectors}
        for gate in check.gates:
            assert gate.detectors and set(gate.detectors) <= own, gate.name


def test_a_gate_opens_only_with_its_package_imported() -> None:
    from golive_tui.core.scan.detectors.go.tree import File

    text = "package a\nfunc f() { sig.Notify(c); x.Shutdown(ctx) }\n"
    assert extractor._gates(File(text, {}, {})) == set()
    named = File(text, {"os/signal": {"sig"}, "net/http": {"http"}}, {"sig": "os/signal"})
    assert extractor._gates(named) == {"signal", "shutdown"}


def test_cache_version_keys_on_the_shipped_rules_file() -> None:
    """go_rules.toml moved with the package: the extractor's cache version is still its digest
    (a rules edit invalidates cached scans; moving code alone does not)."""
    from importlib import resources

    from golive_tui.core.hashing import blake2b

    data = (
        resources.files("golive_tui.core.scan.detectors.go").joinpath("go_rules.toml").read_bytes()
    )
    assert extractor.EXTRACTORS[0].version == f"24.{blake2b(data, digest_size=6).hexdigest()}"


def test_a_failing_check_blames_its_gates_detectors_and_the_scan_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from golive_tui.core.scan.detectors.go.checks import signals

    def boom(*args: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(signals, "_signal", boom)
    text = 'package main\n\nimport "os/signal"\n\nfunc main() { signal.Notify(c, os.Interrupt) }\n'
    scan = extractor.EXTRACTORS[0].extract("main.go", text)
    assert scan.errors == (("go.signal.sigterm", "could not analyse: RuntimeError: bug"),)
    assert scan.meta["imports"] == ["os/signal"]
