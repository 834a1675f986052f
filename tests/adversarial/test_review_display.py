"""What reviewers see about a request cannot be written by the agent: the headline in the queue,
on the request page, in the terminal and in Slack is keyturn's account of the effects (the
agent's own words come after, labelled), and every agent-chosen string is shown with its hidden
characters spelled out -- terminal escapes, carriage returns, bidi overrides, zero-width
characters, line breaks -- and escaped for HTML and Slack. Only the display changes: the
digest an approval binds is the same."""

from __future__ import annotations

import html
import importlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient
from tests.server.conftest import Receiver, Server, make_tokens, until

from keyturn.approval.display import headline, shorten, visible, visible_html
from keyturn.bootstrap import build_gate, load_settings, open_store
from keyturn.cli.requests import render
from keyturn.integrations.hooks import AGENTS
from keyturn.integrations.hooks.events import action_for_call
from keyturn.model import Action, ActionKind, Effect, EffectKind, Resource, Target
from keyturn.server import create_app
from keyturn.server.decide import action_of
from keyturn.server.details import MAX_SHOWN_ATTRIBUTES, terraform_details
from keyturn.server.notify import mrkdwn
from keyturn.server.web import _argv, _css
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell

LIE = "read the logs"
HIDING = "\x1b\r\x08\x9b\u202e\u200b\u2066\ufeff\u2028\u00a0\u3164\U000e0041\n"
SPELLED = (
    "\\x1b",
    "\\r",
    "\\x08",
    "\\x9b",
    "\\u202e",
    "\\u200b",
    "\\u2066",
    "\\ufeff",
    "\\u2028",
    "\\xa0",
    "\\u3164",
    "\\U000e0041",
    "\\n",
)


def _raw_hiding(text: str, *, lines: bool = False) -> list[str]:
    """The hiding characters that made it into ``text`` as themselves (``lines``: but for
    line feeds, which a page or a listing has of its own)."""
    return [c for c in HIDING if c in text and not (lines and c == "\n")]


@dataclass
class Install:
    server: Server
    receiver: Receiver
    store: Any


@pytest.fixture()
def install(tmp_path: Path, brief_policy_text: str) -> Iterator[Install]:
    """A server on a fresh state with the BRIEF policy and a webhook receiver."""
    policy = tmp_path / "keyturn.yaml"
    policy.write_text(brief_policy_text)
    settings = load_settings(home=str(tmp_path / "home"), policy=str(policy), environ={})
    store = open_store(settings)
    tokens = make_tokens(store)
    receiver = Receiver()
    app = create_app(
        settings,
        gate=build_gate(settings, store=store),
        webhooks=[f"{receiver.url}/ok"],
        secret=b"s" * 32,
        poll_seconds=0.05,
        notify_backoff=0.01,
    )
    try:
        with TestClient(app, raise_server_exceptions=False) as client:
            yield Install(Server(client=client, tokens=tokens), receiver, store)
    finally:
        receiver.close()
        store.close()


# -- the shared function -----------------------------------------------------------------------


def test_visible_spells_out_every_hiding_character_and_keeps_ordinary_text() -> None:
    shown = visible("rm" + HIDING + "-rf /")
    assert _raw_hiding(shown) == []
    for spelled in SPELLED:
        assert spelled in shown
    assert shown.startswith("rm") and shown.endswith("-rf /")
    # Accents, other scripts, emoji and the ASCII space are ordinary text.
    ordinary = "déjà vu: 数据库 🚀 naïve café"
    assert visible(ordinary) == ordinary
    # A lone surrogate (JSON "\ud800") would fail to encode the whole page: spelled out.
    assert visible("a\ud800b") == "a\\ud800b"


def test_visible_html_marks_the_escapes_and_escapes_markup() -> None:
    shown = str(visible_html('<b x="1">\u202edb</b>'))
    assert "<b" not in shown and "&lt;b x=&#34;1&#34;&gt;" in shown
    assert '<span class="esc" title="hidden character">\\u202e</span>' in shown
    assert "\u202e" not in shown


def test_shorten_cuts_in_the_middle_and_says_how_much() -> None:
    text = "echo " + "a" * 500 + "; rm -rf /srv/prod"
    cut = shorten(text, 100)
    assert cut.endswith("rm -rf /srv/prod") and "more characters]" in cut
    assert len(cut) < 140


# -- the headline is keyturn's, the agent's summary a labelled claim ---------------------------

BENIGN_PREFIX = "echo " + "x" * 300


def _post_action(server: Server, action: Any, summary: str, **actor: str) -> dict[str, Any]:
    body = {
        "action": action.canonical(),
        "summary": summary,
        "actor": {"agent": "kiro", "operator": "bob", **actor},
    }
    r = server.post("/v1/decisions", "kiro", body)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    assert answer["verdict"] == "ask", answer
    return answer


def _login(server: Server, who: str = "alice") -> None:
    r = server.client.post("/login", data={"token": server.tokens[who]})
    assert r.status_code == 200


def _delete_action() -> Any:
    return understand_shell(
        "rm -rf /srv/app/data", cwd="/srv/app", target=Target(environment="production")
    )


def _opened(receiver: Receiver) -> dict[str, Any]:
    assert until(lambda: any(b["event"] == "request.opened" for b in receiver.bodies))
    return next(b for b in receiver.bodies if b["event"] == "request.opened")


def test_an_agents_summary_never_becomes_the_headline(install: Install) -> None:
    s = install.server
    action = _delete_action()
    answer = _post_action(s, action, LIE)
    # The binding is the action's: the summary is not part of the digest.
    assert answer["decision"]["digest"] == action.digest
    summary = answer["decision"]["summary"]
    assert summary.startswith("shell: delete file:/srv/app/data")
    assert summary.index("agent's description (unverified)") < summary.index(LIE)

    request_id = int(answer["request_id"])
    shown = s.get(f"/v1/requests/{request_id}", "alice").json()
    assert shown["summary"] == summary and shown["digest"] == action.digest

    _login(s)
    queue = s.client.get("/").text
    link = re.search(r'<td class="summary"><a href="/requests/\d+">(.*?)</a>', queue)
    assert link is not None and LIE not in link.group(1)
    assert link.group(1).startswith("shell: delete file:/srv/app/data")
    page = s.client.get(f"/requests/{request_id}").text
    head = re.search(r'<p class="what" id="headline">(.*?)</p>', page)
    assert head is not None and head.group(1).startswith("shell: delete file:/srv/app/data")
    assert LIE not in head.group(1)

    slack = _opened(install.receiver)
    first = slack["blocks"][0]["text"]["text"]
    assert "delete file:/srv/app/data" in first and LIE not in first
    assert "As submitted:" in slack["blocks"][1]["text"]["text"]


def test_the_headline_leads_with_the_worst_effect_whatever_the_order() -> None:
    stored = {
        "action": {"kind": "aws"},
        "decision": {
            "effects": [
                {"effect": "read", "resource": ["s3:logs"], "decision": "allow"},
                {"effect": "update", "resource": ["rds:stage"], "decision": "ask"},
                {
                    "effect": "delete",
                    "resource": ["rds:prod-db"],
                    "decision": "ask",
                    "protected": True,
                },
            ]
        },
    }
    assert headline(stored) == ("aws: delete rds:prod-db (protected) (+2 more: 1 update, 1 read)")


def test_a_long_command_line_cannot_push_the_delete_past_a_cut(install: Install) -> None:
    server = install.server
    command = BENIGN_PREFIX + "; rm -rf /srv/app/data"
    r = server.post(
        "/v1/decisions",
        "kiro",
        {
            "kind": "shell",
            "payload": {"command": command, "cwd": "/srv/app"},
            "environment": "production",
            "actor": {"operator": "bob"},
        },
    )
    answer = r.json()
    assert answer["verdict"] == "ask", answer
    # The understood summary is cut at 200 characters: the delete is past the cut ...
    assert "rm -rf" not in answer["decision"]["summary"]
    _login(server)
    queue = server.client.get("/").text
    # ... and the headline still leads with it.
    assert "delete file:/srv/app/data" in queue


def test_a_hook_tool_calls_description_is_not_its_summary() -> None:
    event = {
        "session_id": "s",
        "cwd": "/srv/app",
        "hook_event_name": "PreToolUse",
        "tool_name": "Bash",
        "tool_input": {"command": "rm -rf /srv/app/data", "description": LIE},
    }
    call = importlib.import_module(AGENTS["claude-code"]).PROTOCOL.read(event, home="/home/dev")
    action = action_for_call(call, env={}, files=MemoryFiles({}))
    assert LIE not in action.summary and "rm -rf /srv/app/data" in action.summary


# -- hidden characters and markup, on every surface --------------------------------------------


def test_hiding_characters_are_spelled_out_on_the_page_in_slack_and_the_terminal(
    install: Install,
) -> None:
    s = install.server
    action = understand_shell(
        f"rm -rf '/srv/app/ok{HIDING}'", cwd="/srv/app", target=Target(environment="production")
    )
    answer = _post_action(s, action, f"ls{HIDING}", operator=f"bob{HIDING}")
    request_id = int(answer["request_id"])

    _login(s)
    for path in ("/", f"/requests/{request_id}", "/history"):
        text = s.client.get(path).text
        assert _raw_hiding(text, lines=True) == [], path
        assert "ok\n" not in text and "ls\n" not in text and "bob\n" not in text
    page = s.client.get(f"/requests/{request_id}").text
    assert '<span class="esc" title="hidden character">\\u202e</span>' in page
    assert '<span class="esc" title="hidden character">\\x1b</span>' in page

    slack = _opened(install.receiver)
    assert _raw_hiding(slack["text"]) == []
    blocks = json.dumps(slack["blocks"], ensure_ascii=False)
    assert _raw_hiding(blocks) == [] and "\\\\u202e" in blocks

    request = install.store.get_request(request_id)
    shown = render(request.to_json(), now=request.created_at)
    assert _raw_hiding(shown, lines=True) == [] and "ok\n" not in shown
    assert all("\r" not in line for line in shown.splitlines())
    assert "\\x1b" in shown and "\\u202e" in shown


XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def test_markup_in_agent_fields_is_escaped_everywhere(install: Install) -> None:
    server = install.server
    action = understand_shell(
        f"rm -rf '/srv/app/{XSS}'", cwd="/srv/app", target=Target(environment="production")
    )
    answer = _post_action(server, action, XSS, operator=XSS, session=XSS)
    request_id = int(answer["request_id"])
    _login(server)
    for path in ("/", f"/requests/{request_id}"):
        text = server.client.get(path).text
        assert "<script>" not in text and "<img" not in text, path
        assert "&lt;script&gt;" in text, path
    r = server.client.post(
        f"/requests/{request_id}/reject",
        data={"csrf": _csrf(server, request_id), "reason": XSS},
    )
    assert r.status_code == 200 and "<script>" not in r.text
    assert "<script>" not in server.client.get("/history").text
    assert "&lt;script&gt;" in server.client.get("/history").text
    server.client.post("/logout", data={"csrf": _csrf(server, request_id)})
    _login(server, "admin")
    audit = server.client.get("/audit").text
    assert "<script>" not in audit and "<img" not in audit and "&lt;script&gt;" in audit


def _csrf(server: Server, request_id: int) -> str:
    page = server.client.get(f"/requests/{request_id}").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return html.unescape(found.group(1))


def test_a_value_in_a_class_name_cannot_borrow_another_look() -> None:
    assert _css("production verdict-allow") == "production_verdict-allow"
    assert _css('x" onclick="y') == "x__onclick__y"


def test_slack_text_cannot_mention_link_or_format() -> None:
    shown = mrkdwn("<!channel> <https://evil.example/|Open request 1> `x` *bold*")
    assert "<" not in shown and ">" not in shown and "&lt;!channel&gt;" in shown
    assert shown.startswith("`") and shown.endswith("`") and shown.count("`") == 2
    assert len(mrkdwn("a" * 10_000)) < 300


def test_parsed_commands_keep_their_argument_boundaries() -> None:
    assert _argv(["rm", "-rf /tmp/x /"]) == "rm '-rf /tmp/x /'"
    assert _argv(["rm", "-rf", "/tmp/x", "/"]) == "rm -rf /tmp/x /"


# -- the Terraform diff hides no change behind a cut -------------------------------------------


def test_a_plan_cannot_push_a_change_past_the_shown_attributes_or_a_long_value() -> None:
    after = {f"a{i:03d}": "new" for i in range(MAX_SHOWN_ATTRIBUTES + 20)}
    after["zz_policy"] = '{"Statement": [' + '{"Effect": "Deny"},' * 200 + '{"Action": "*"}]}'
    plan = {
        "resource_changes": [
            {
                "address": "aws_iam_policy.p",
                "change": {
                    "actions": ["update"],
                    "before": {k: "old" for k in after},
                    "after": after,
                },
            }
        ]
    }
    row = terraform_details(plan)["terraform"][0]
    assert row["more_changes"] == 21  # the policy change among them: said, not dropped
    assert len(row["changes"]) == MAX_SHOWN_ATTRIBUTES
    short = terraform_details(
        {
            "resource_changes": [
                {
                    "address": "aws_iam_policy.p",
                    "change": {
                        "actions": ["update"],
                        "before": {"policy": "{}"},
                        "after": {"policy": after["zz_policy"]},
                    },
                }
            ]
        }
    )["terraform"][0]
    assert short["changes"][0]["after"].endswith('{"Action": "*"}]}')


@pytest.mark.parametrize("kind", list(ActionKind))
def test_every_kinds_understood_action_gets_keyturns_summary(kind: ActionKind) -> None:
    effects = (
        Effect(EffectKind.READ, Resource(("s3:logs",))),
        Effect(EffectKind.DELETE, Resource(("rds:prod-db",))),
    )
    action = Action(kind, LIE, effects, subject={"k": kind.value})
    body = {"action": action.canonical(), "summary": LIE}
    understood = action_of(body, mcp_mappings=())
    assert understood.digest == action.digest
    assert understood.summary.startswith(f"{kind.value}: delete rds:prod-db (+1 more: 1 read)")
    assert understood.summary.endswith(f'agent\'s description (unverified): "{LIE}"')
    # No summary at all: keyturn's alone.
    bare = action_of({"action": action.canonical()}, mcp_mappings=())
    assert bare.summary == f"{kind.value}: delete rds:prod-db (+1 more: 1 read)"


def test_a_long_name_of_escaped_characters_still_fits_a_slack_section() -> None:
    # '&' is five characters once escaped: the cut is made on the escaped text.
    assert len(mrkdwn("&" * 5000)) <= 200
    assert len(mrkdwn("<" * 5000, 300)) <= 340
