"""``overlap``: whether a wildcard resource name and a protected glob share a string, checked
against every short string."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from keyturn.policy.matching import GlobSet, overlap

ALPHABET = "ab:/"
GLOBS = st.text(alphabet="ab:/*?", max_size=4)


def _regex(glob: str, *, star: str) -> re.Pattern[str]:
    parts = {"*": star, "?": "."}
    return re.compile("".join(parts.get(c) or re.escape(c) for c in glob) + r"\Z", re.DOTALL)


def _shared_string(name: str, pattern: str) -> bool:
    # In a name a star is a run within one ':'-separated field; in a pattern, any run.
    as_name, as_pattern = _regex(name, star="[^:]*"), _regex(pattern, star=".*")
    for length in range(len(name) + len(pattern) + 1):
        for chars in itertools.product(ALPHABET, repeat=length):
            text = "".join(chars)
            if as_name.match(text) and as_pattern.match(text):
                return True
    return False


@settings(max_examples=300, deadline=None)
@given(name=GLOBS, pattern=GLOBS)
def test_overlap_is_a_shared_string(name: str, pattern: str) -> None:
    assert overlap(name, pattern) is _shared_string(name, pattern), (name, pattern)


def test_an_arns_untold_resource_part_may_hold_colons() -> None:
    """``arn:aws:rds:*:*:*`` (a call that names no instance) may be ``db:prod-main``, whose
    resource part holds a ``:``; a region or account star stays one field."""
    assert overlap("arn:aws:rds:*:*:*", "arn:aws:rds:*:*:db:prod-*")
    assert overlap("arn:aws:rds:us-east-1:*:*", "arn:aws:rds:*:*:db:prod-*")
    assert not overlap("arn:aws:rds:*:*:db:dev-*", "arn:aws:rds:*:*:db:prod-*")
    assert not overlap("arn:aws:s3:::*", "arn:aws:rds:*:*:db:prod-*")
    assert not overlap("arn:aws:rds:*:*", "arn:aws:rds:*:*:db:prod-*")
    assert not overlap("arn:aws:rds:*:*:db", "arn:aws:rds:*:*:db:prod-*")


def test_first_overlap_names_the_first_glob_reached() -> None:
    globs = GlobSet(("k8s:namespace/payments", "file:/srv/data", "*prod*", "file:/srv/logs"))
    assert globs.first_overlap(["file:/srv", "file:/srv/*"]) == 1
    assert globs.first_overlap(["k8s:namespace/*"]) == 0
    assert globs.first_overlap(["file:/w/prod/*"]) is None  # *prod* has no literal start
    assert globs.first_overlap(["file:/srv/data"]) is None  # literal names: first_match's


# -- rules: a deny or an ask holds what a wide name may take in --------------------------------

_RULES = """
version: 1
default: ask
environments:
  dev:
    kube_contexts: ["dev-*"]
reviewers:
  sre: [alice, bob]
agents:
  "*":
    allow:
      - effect: [read, create, update, delete]
        environment: dev
    ask:
      - effect: delete
        resource: "file:/srv/app/data/*"
        approvals: 2
        reviewers: [sre]
    deny:
      - resource: "k8s:payments/*"
"""


def _judged(command: str) -> tuple[str, str]:
    from keyturn.model import Actor
    from keyturn.policy import load_policy
    from keyturn.understand.shell import understand_shell

    policy = load_policy(_RULES)
    action = understand_shell(command, cwd="/srv", home="/root")
    decision = policy.judge(action, actor=Actor(agent="kiro", operator="bob"))
    return decision.decision.value, ",".join(sorted({j.rule for j in decision.judgements}))


def test_a_wide_delete_is_held_by_the_rules_on_what_it_takes_in() -> None:
    # every namespace's pods: payments' among them
    assert _judged("kubectl --context dev-1 delete pods --all -A")[0] == "deny"
    assert _judged("kubectl --context dev-1 delete pods --all -n payments")[0] == "deny"
    # everything under /srv/app: /srv/app/data among it, so the ask's two approvals
    verdict, rules = _judged("rm -rf /srv/app")
    assert (verdict, rules) == ("ask", "agents.*.ask[0]")
    # what the rules do not name stays allowed
    assert _judged("kubectl --context dev-1 delete pods --all -n web")[0] == "allow"
    assert _judged("kubectl --context dev-1 delete pod api-1 -n web")[0] == "allow"
