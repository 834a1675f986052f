"""Firebase's command line -> effects on ``firebase:<project>/…``, the project picked as
firebase-tools picks it, and decisions."""

from __future__ import annotations

import json

import pytest
from tests.understand.shell.conftest import JudgeBrief, protecting

from keyturn.model import EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

_E = EffectKind
_RC = json.dumps({"projects": {"default": "acme-dev", "prod": "acme-prod"}})
_CONFIG = json.dumps(
    {
        "hosting": {"public": "dist", "predeploy": ["rm -rf dist"]},
        "functions": [{"source": "functions", "predeploy": "npm --prefix functions run lint"}],
    }
)
_STORE = "/home/u/.config/configstore/firebase-tools.json"
_BASE = {"/w/app/.firebaserc": _RC, "/w/app/firebase.json": _CONFIG}


def _meaning(
    command: str, files: dict[str, str] | None = None, cwd: str = "/w/app"
) -> list[tuple[EffectKind, tuple[str, ...]]]:
    chosen = MemoryFiles(_BASE if files is None else files)
    action = understand_shell(command, cwd=cwd, home="/home/u", files=chosen)
    return [(e.effect, e.resource.names) for e in action.effects]


def _active(project: str, root: str = "/w/app") -> dict[str, str]:
    return {**_BASE, _STORE: json.dumps({"activeProjects": {root: project}})}


_PROD = "firebase:acme-prod"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "firebase firestore:delete users -r -f -P prod",
            [
                (
                    _E.DELETE,
                    (f"{_PROD}/firestore/(default)/users", f"{_PROD}/firestore/(default)/users/*"),
                )
            ],
        ),
        (
            "firebase firestore:delete users/u1 --project prod",
            [(_E.DELETE, (f"{_PROD}/firestore/(default)/users/u1",))],
        ),
        (
            "firebase firestore:delete --all-collections --database orders -P prod",
            [(_E.DELETE, (f"{_PROD}/firestore/orders/*",))],
        ),
        (
            "firebase database:remove / -P prod",
            [(_E.DELETE, (f"{_PROD}/database/(default)/*", f"{_PROD}/database/(default)/*/*"))],
        ),
        (
            "firebase database:set /config data.json --instance cfg -P prod",
            [(_E.REPLACE, (f"{_PROD}/database/cfg/config", f"{_PROD}/database/cfg/config/*"))],
        ),
        (
            "firebase database:get /config -P prod",
            [(_E.READ, (f"{_PROD}/database/(default)/config",))],
        ),
        ("firebase functions:delete api -f -P prod", [(_E.DELETE, (f"{_PROD}/functions/api",))]),
        ("firebase functions:log -P prod", [(_E.READ, (f"{_PROD}/functions/*",))]),
        (
            "firebase hosting:sites:delete shop -P prod",
            [(_E.DELETE, (f"{_PROD}/hosting/shop", f"{_PROD}/hosting/shop/*"))],
        ),
        (
            "firebase functions:secrets:destroy STRIPE -P prod",
            [(_E.DELETE, (f"{_PROD}/secret/STRIPE",))],
        ),
        (
            "firebase ext:uninstall resize -P prod",
            [(_E.DELETE, (f"{_PROD}/extension/resize", f"{_PROD}/extension/resize/*"))],
        ),
        ("firebase projects:list", [(_E.READ, ("firebase:*",))]),
    ],
)
def test_meanings(command: str, expected: list[tuple[EffectKind, tuple[str, ...]]]) -> None:
    assert _meaning(command) == expected


@pytest.mark.parametrize(
    ("command", "files", "projects"),
    [
        # --project: an alias of .firebaserc, or a project id as it is.
        ("firebase functions:log -P prod", _BASE, ["acme-prod"]),
        ("firebase functions:log --project=acme-stage", _BASE, ["acme-stage"]),
        # The directory's active project (``firebase use``), an alias or an id.
        ("firebase functions:log", _active("prod"), ["acme-prod"]),
        ("firebase functions:log", _active("acme-x"), ["acme-x"]),
        # From a subdirectory: the project directory is the one with firebase.json.
        ("cd functions && firebase functions:log", _active("prod"), ["acme-prod"]),
        # No active project: the only alias; with several, every one and ``*``.
        ("firebase functions:log", {"/w/app/.firebaserc": '{"projects": {"default": "a"}}'}, ["a"]),
        ("firebase functions:log", _BASE, ["acme-dev", "acme-prod", "*"]),
        ("firebase functions:log", {}, ["*"]),
        # The line changes the active project: not known which.
        ("firebase use dev && firebase functions:log", _active("prod"), ["*"]),
    ],
)
def test_the_project_is_the_one_firebase_picks(
    command: str, files: dict[str, str], projects: list[str]
) -> None:
    names = [n for _, names in _meaning(command, files) for n in names if n.startswith("firebase:")]
    assert names == [f"firebase:{p}/functions/*" for p in projects]


def test_a_forced_functions_deploy_deletes_the_functions_the_source_lost() -> None:
    meaning = _meaning("firebase deploy --only functions --force -P prod")
    assert (_E.UPDATE, (f"{_PROD}/functions",)) in meaning
    assert (_E.DELETE, (f"{_PROD}/functions/*",)) in meaning


def test_a_deploy_judges_the_predeploy_commands_it_runs_here() -> None:
    meaning = _meaning("firebase deploy --only hosting -P prod")
    assert (_E.DELETE, ("file:/w/app/dist", "file:/w/app/dist/*")) in meaning
    assert not any(n.startswith(f"{_PROD}/functions") for _, names in meaning for n in names)


def test_a_deploy_without_firebase_json_at_hand_is_unknown() -> None:
    meaning = _meaning("firebase deploy -P prod", {"/w/app/.firebaserc": _RC})
    assert (_E.UNKNOWN, (_PROD,)) in meaning


@pytest.mark.parametrize("command", ["firebase emulators:start", "firebase serve", "firebase nope"])
def test_what_runs_the_projects_code_or_is_not_known_is_unknown(command: str) -> None:
    assert [kind for kind, _ in _meaning(command)] == [_E.UNKNOWN]


def test_a_production_firestore_wipe_needs_two_approvals(judge_brief: JudgeBrief) -> None:
    decision = judge_brief(
        "firebase firestore:delete --all-collections -f -P prod",
        env=None,
        cwd="/w/app",
        files=MemoryFiles(_BASE),
    )
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2


def test_a_protected_firestore_collection_is_never_deleted(judge_brief: JudgeBrief) -> None:
    decision = judge_brief(
        "firebase firestore:delete --all-collections -f",
        env="dev",
        cwd="/w/app",
        files=MemoryFiles(_active("prod")),
        policy=protecting("firebase:acme-prod/firestore/*/users"),
    )
    assert decision.decision is Verdict.DENY, decision.describe()
