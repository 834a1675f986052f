"""Brace expansion past keyturn's bounds (256 words, 64 KiB of text per line) is decided at run
time, never cut short.

bash makes every word of ``rm -rf /tmp/{a0,…,a299,/srv/prod}``: cutting the expansion at 256
words dropped ``/srv/prod`` from the effects, and the line was allowed. And a short line whose
braces multiply (``cp -r /tmp/{a,b}{a,b}…`` twice, 877 bytes) made a thousand effects each
carrying the whole expanded line, 45 MB of text to redact, digest and record: the server judged
it on its event loop for seconds while every other client waited.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy with ``/srv/prod``
protected, in dev.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME
from tests.conftest import brief_protecting

from keyturn.model import Action, EffectKind, Target
from keyturn.policy import Policy, load_policy
from keyturn.understand.shell import understand_shell
from keyturn.understand.shell.words import MAX_BRACE_WORDS, expand_braces


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(brief_protecting("file:/srv/prod/**", "file:/srv/prod"))


def _action(line: str) -> Action:
    return understand_shell(
        line, cwd=CWD, home=HOME, env={"HOME": HOME}, target=Target(environment="dev")
    )


def _decision(policy: Policy, line: str) -> str:
    return policy.judge(_action(line), actor=ACTOR).decision.value


MANY = ",".join(f"a{i}" for i in range(300))


@pytest.mark.parametrize(
    "line",
    [
        f"rm -rf /tmp/{{{MANY},/srv/prod}}",
        "rm -rf {" + ",".join(f"/tmp/a{i}" for i in range(300)) + ",/srv/prod}",
        "rm -rf /srv/{" + ",".join(f"x{i}" for i in range(300)) + ",prod}",
        "rm -rf /srv/pro{" + ",".join(f"x{i}" for i in range(300)) + ",d}",
        "rm -rf /tmp/{1..300} /srv/pro{" + ",".join(f"x{i}" for i in range(299)) + ",d}",
        # the command itself spelled by braces (bash parses {rm,-rf,…} as one word)
        "{rm,-rf," + ",".join(f"/tmp/a{i}" for i in range(300)) + ",/srv/prod}",
    ],
)
def test_an_expansion_past_the_bound_is_never_allowed(policy: Policy, line: str) -> None:
    assert _decision(policy, line) != "allow", line[:80]


def test_a_range_past_the_bound_is_decided_at_run_time() -> None:
    assert expand_braces("/tmp/{1..300}") is None
    assert expand_braces(f"/tmp/{{1..{MAX_BRACE_WORDS}}}") is not None
    found = _action("rm -rf /tmp/x{1..1000}")
    assert [e.effect for e in found.effects] == [EffectKind.UNKNOWN]


def test_expansions_within_the_bound_are_still_judged_word_by_word(policy: Policy) -> None:
    assert _decision(policy, "rm -rf /tmp/{a,b,c}") == "allow"
    assert _decision(policy, "rm -rf /srv/{tmp,prod}") == "deny"
    names = {n for e in _action("rm -f /tmp/{1..256}").effects for n in e.resource.names}
    assert "file:/tmp/256" in names and "file:/tmp/1" in names


@pytest.mark.parametrize(
    "line",
    [
        "cp -r /tmp/" + "{a,b}" * 80 + " /tmp/" + "{c,d}" * 80,
        "cp -r /tmp/" + "{a,b}" * 8 + "x" * 3000 + " /tmp/" + "{c,d}" * 8,
        " ".join(["echo /tmp/" + "{a,b}" * 7 + "y" * 200] * 12),
    ],
)
def test_what_a_short_line_makes_stays_bounded(line: str) -> None:
    """The action of a line under 4 KiB stays within a few MB of canonical text, whatever its
    braces multiply (it carried 45 MB)."""
    assert len(line) < 4096
    action = _action(line)
    assert len(action.canonical_bytes()) < 4_000_000
