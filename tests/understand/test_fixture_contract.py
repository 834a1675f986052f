"""Every real fixture: understood resource by resource against its own contents, and every
malformed or truncated version of it refused through ``keyturn check`` with one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.conftest import fixtures_root

from keyturn.cli import main
from keyturn.model import EffectKind as E
from keyturn.understand.kubernetes import understand_admission
from keyturn.understand.terraform import understand_terraform

# What each Terraform `actions` list must become, for the resource at that address.
EXPECTED = {
    ("create",): {E.CREATE},
    ("update",): {E.UPDATE},
    ("delete",): {E.DELETE},
    ("delete", "create"): {E.REPLACE},
    ("create", "delete"): {E.REPLACE},
    ("no-op",): {E.READ},
    ("read",): {E.READ},
    ("forget",): {E.UPDATE},
    ("create", "forget"): {E.CREATE, E.UPDATE},
    ("forget", "create"): {E.CREATE, E.UPDATE},
}


def _plans() -> list[Path]:
    return sorted((fixtures_root() / "terraform").glob("*/*.json"))


def _reviews() -> list[Path]:
    return sorted((fixtures_root() / "k8s").glob("*/*.json"))


@pytest.mark.parametrize("path", _plans(), ids=lambda p: p.name)
def test_plan_effects_match_each_resource_change(path: Path) -> None:
    doc = json.loads(path.read_text())
    action = understand_terraform(path.read_bytes(), source=path.name)
    assert action.effects
    for change in doc.get("resource_changes") or []:
        address = change["address"]
        if change.get("deposed"):
            continue  # named "ADDRESS (deposed KEY)"; checked in test_terraform
        kinds = {e.effect for e in action.effects if address in e.resource.names}
        expected = EXPECTED[tuple(change["change"]["actions"])]
        if change.get("mode") == "data":
            expected = {E.READ}
        if change["change"].get("importing") and expected == {E.READ}:
            expected = {E.UPDATE}  # a no-op import brings the object under management
        assert expected <= kinds, (address, change["change"]["actions"], kinds)
        if "delete" not in change["change"]["actions"]:
            assert not kinds & {E.DELETE, E.REPLACE}, (address, kinds)


@pytest.mark.parametrize("path", _reviews(), ids=lambda p: p.name)
def test_review_effect_matches_its_operation(path: Path) -> None:
    doc = json.loads(path.read_text())
    request = doc.get("request", doc)
    action = understand_admission(path.read_bytes(), source=path.name)
    (effect, *_) = action.effects
    operation = request["operation"]
    sub = request.get("subResource") or ""
    if request.get("dryRun"):
        assert effect.effect is E.READ
    elif operation == "DELETE":
        assert effect.effect is E.DELETE
    elif operation == "CONNECT":
        assert effect.effect is E.UNKNOWN
    elif operation == "CREATE" and sub != "eviction":
        assert effect.effect is E.CREATE
    elif operation == "UPDATE":
        assert effect.effect is E.UPDATE
    name = request.get("name") or ""
    if name and not sub:
        assert any(n.endswith("/" + name) for n in effect.resource.names), effect.resource.names


def _broken_versions(data: bytes) -> list[bytes]:
    """Truncated at several points, plus two malformations of the whole document."""
    cuts = {len(data) // 4, len(data) // 2, len(data) * 3 // 4, len(data) - 2}
    truncated = [data[:c] for c in sorted(cuts) if 0 < c < len(data)]
    return [*truncated, b"[" + data, data.replace(b"{", b"[", 1)]


@pytest.mark.parametrize(
    ("kind", "path"),
    [("terraform", p) for p in _plans()] + [("k8s", p) for p in _reviews()],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_broken_fixture_is_refused_in_one_line(
    kind: str,
    path: Path,
    tmp_path: Path,
    brief_policy_text: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    for n, broken in enumerate(_broken_versions(path.read_bytes())):
        target = tmp_path / f"broken-{n}.json"
        target.write_bytes(broken)
        code = main(["check", "--policy", str(policy), kind, str(target)])
        captured = capsys.readouterr()
        assert code == 2, (n, captured.out[:200])
        assert captured.out == ""
        lines = captured.err.strip().splitlines()
        assert len(lines) == 1 and f"broken-{n}.json" in lines[0], captured.err
