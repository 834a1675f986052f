"""Holes in the policy itself: what the engine lets through on a protected resource, and the
misconfigurations ``keyturn policy lint`` must name (the December 2025 incident's root cause).
Each case names the weakness it pins."""

from __future__ import annotations

import json

import pytest

from keyturn.errors import PolicyError
from keyturn.model import Actor, Target, Verdict
from keyturn.policy import load_policy
from keyturn.policy.lint import Finding, Severity, lint, protected_pattern_problem
from keyturn.policy.starter import starter_policy_text
from keyturn.understand import MemoryFiles
from keyturn.understand.shell import understand_shell
from keyturn.understand.terraform import understand_terraform

ACTOR = Actor(agent="kiro", operator="bob")


def _findings(text: str, code: str) -> list[Finding]:
    return [f for f in lint(load_policy(text)) if f.code == code]


# -- an effect keyturn cannot understand, on a protected resource ---------------------------------


def _unrecognised_plan(address: str, identifier: str) -> str:
    """A plan whose one change has actions keyturn does not know (a newer Terraform's)."""
    return json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.9.0",
            "resource_changes": [
                {
                    "address": address,
                    "mode": "managed",
                    "type": address.split(".")[0],
                    "name": address.split(".")[1],
                    "provider_name": "registry.terraform.io/hashicorp/aws",
                    "change": {
                        "actions": ["delete", "forget"],
                        "before": {"identifier": identifier},
                        "after": None,
                    },
                }
            ],
        }
    )


def test_unknown_change_to_protected_resource_outside_production_is_denied(
    brief_policy_text: str,
) -> None:
    # Was ask (builtin:unknown-needs-review): a reviewer's approval could let through what may
    # be the deletion of a resource no approval may release.
    policy = load_policy(brief_policy_text)
    action = understand_terraform(
        _unrecognised_plan("aws_db_instance.main", "orders"), target=Target(environment="staging")
    )
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.DENY
    (judgement,) = decision.judgements
    assert judgement.rule == "protected[1]" and judgement.protected
    assert "not understood" in judgement.reason


def test_ask_naming_unknown_does_not_release_a_protected_resource(
    brief_policy_text: str,
) -> None:
    # Was ask: an ask rule naming `unknown` released the unknown change in production, protected
    # resource or not.
    text = brief_policy_text.replace(
        "    ask:\n",
        "    ask:\n      - {effect: unknown, approvals: 2, reviewers: [sre]}\n",
        1,
    )
    policy = load_policy(text)
    action = understand_terraform(
        _unrecognised_plan("aws_db_instance.main", "orders"),
        target=Target(environment="production"),
    )
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.DENY
    assert decision.judgements[0].rule == "protected[1]"
    # An unprotected resource still goes to that rule.
    other = understand_terraform(
        _unrecognised_plan("aws_db_instance.scratch", "scratch"),
        target=Target(environment="production"),
    )
    assert policy.judge(other, actor=ACTOR).decision is Verdict.ASK


# -- lint: production that is not called production ----------------------------------------------

PROD_NOT_PRODUCTION = """\
version: 1
unknown_environment: prod
environments:
  prod: {aws_profiles: ["prod*"]}
  dev: {aws_profiles: ["dev*"]}
reviewers: {sre: [alice, bob]}
agents:
  "*":
    allow:
      - effect: [read, create, update, delete, replace]
"""


def test_lint_environment_called_prod_that_is_not_production() -> None:
    # Was 0 findings: a policy letting every agent delete anything in `prod` linted clean, as
    # `production:` defaults to [production] and no environment is called that.
    (finding,) = _findings(PROD_NOT_PRODUCTION, "no-production")
    assert finding.severity is Severity.ERROR and finding.line == 4
    assert "production: [prod]" in finding.message
    holes = _findings(PROD_NOT_PRODUCTION, "destructive-without-review")
    assert {f.message.split(" without")[0].split(" (")[0] for f in holes} == {
        "every agent can delete in prod",
        "every agent can replace in prod",
    }
    fixed = PROD_NOT_PRODUCTION.replace("version: 1\n", "version: 1\nproduction: [prod]\n")
    assert not _findings(fixed, "no-production")


@pytest.mark.parametrize(
    ("names", "severity"),
    [
        pytest.param("{dev: {}, qa: {}}", Severity.WARNING, id="no-production-at-all"),
        pytest.param("{non-prod: {}, preprod: {}}", Severity.WARNING, id="pre-and-non-prod"),
        pytest.param("{dev: {}, prod-eu: {}}", Severity.ERROR, id="prod-eu-not-production"),
        pytest.param("{dev: {}, live: {}}", Severity.ERROR, id="live-not-production"),
    ],
)
def test_lint_no_production_environment(names: str, severity: Severity) -> None:
    text = f"version: 1\nenvironments: {names}\nreviewers: {{sre: [a, b]}}\n"
    (finding,) = _findings(text, "no-production")
    assert finding.severity is severity


def test_lint_delete_allowed_where_unplaced_effects_land() -> None:
    # Was 0 errors: with `unknown_environment: dev`, a delete keyturn cannot place (no profile,
    # no context) is judged by dev's rules -- here, allowed without review.
    text = """\
version: 1
unknown_environment: dev
environments:
  production: {aws_profiles: ["prod*"]}
  dev: {aws_profiles: ["dev*"]}
reviewers: {sre: [alice, bob]}
agents:
  "*":
    allow:
      - effect: [read, create, update, delete, replace]
        environment: dev
    ask:
      - {effect: [create, update, delete, replace], environment: production, approvals: 2}
"""
    policy = load_policy(text)
    action = understand_shell(
        "aws rds delete-db-instance --db-instance-identifier orders",
        cwd="/w",
        home="/root",
        env={},
        target=Target(),
        files=MemoryFiles({}),
    )
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ALLOW  # what lint must name
    found = _findings(text, "destructive-without-review")
    assert found and all(f.severity is Severity.ERROR and f.line == 10 for f in found)
    assert "in dev (where keyturn puts effects whose environment it cannot tell)" in (
        found[0].message
    )


# -- lint: the two-person rule -------------------------------------------------------------------


def test_lint_production_delete_on_one_approval() -> None:
    # Was 0 findings: production deletes held for a single person.
    text = """\
version: 1
environments: {production: {}, dev: {}}
reviewers: {sre: [alice, bob, carol]}
agents:
  "*":
    ask:
      - {effect: [delete, replace], environment: production, reviewers: [sre]}
"""
    found = _findings(text, "one-approval-for-destructive")
    assert len(found) == 2 and all(f.severity is Severity.WARNING for f in found)
    assert found[0].line == 7
    two = text.replace("reviewers: [sre]}", "reviewers: [sre], approvals: 2}")
    assert not _findings(two, "one-approval-for-destructive")
    # A narrower one-approval ask is harmless under an unconditional rule asking two.
    narrow = two.replace(
        "    ask:\n", "    ask:\n      - {effect: delete, resource: 'k8s:*/pod/*'}\n"
    )
    assert not _findings(narrow, "one-approval-for-destructive")


def test_lint_operator_named_for_every_agent() -> None:
    # Was 0 findings: operators given in the "*" section were never checked against the groups.
    text = """\
version: 1
reviewers: {sre: [alice, bob]}
agents:
  "*":
    operators: [bob]
    ask:
      - {effect: [delete, replace], approvals: 2, reviewers: [sre]}
  kiro: {}
"""
    (finding,) = _findings(text, "reviewer-is-operator")
    assert finding.severity is Severity.ERROR and finding.line == 7
    assert "bob operate(s) every agent" in finding.message


# -- lint: protected patterns that cannot match, and one that does -------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("file:/srv/data/", id="file-trailing-slash-misses-rmdir"),
        pytest.param("k8s:namespace/Payments", id="k8s-namespace-upper-case"),
        pytest.param("k8s:Payments/deployment/web", id="k8s-namespace-part-upper-case"),
    ],
)
def test_lint_protected_pattern_matching_nothing(pattern: str) -> None:
    assert protected_pattern_problem(pattern) is not None


def test_file_pattern_with_trailing_slash_really_misses_rmdir() -> None:
    text = (
        "version: 1\nenvironments: {dev: {}}\nprotected: ['file:/srv/data/']\n"
        "agents: {'*': {allow: [{effect: [read, delete]}]}}\n"
    )
    policy = load_policy(text)
    action = understand_shell(
        "rmdir /srv/data", cwd="/", home="/root", env={}, target=Target(), files=MemoryFiles({})
    )
    assert policy.judge(action, actor=ACTOR).decision is Verdict.ALLOW
    assert _findings(text, "protected-matches-nothing")


@pytest.mark.parametrize(
    "pattern",
    [
        pytest.param("k8s:payments/*", id="everything-in-namespace-payments-is-no-kind"),
        pytest.param("k8s:orders/*", id="everything-in-namespace-orders-is-no-kind"),
        pytest.param("file:/", id="file-root"),
    ],
)
def test_lint_names_no_problem_in_good_protected_patterns(pattern: str) -> None:
    # Was "kinds in names are singular (did you mean 'payment'?)": following that advice would
    # protect a namespace that does not exist.
    assert protected_pattern_problem(pattern) is None


# -- the starter policy ----------------------------------------------------------------------------


def test_starter_does_not_treat_terraforms_default_workspace_as_dev() -> None:
    # Was allow: every project without workspaces -- production's too -- is in `default`, and
    # the starter made that dev, where deletes need nobody.
    policy = load_policy(starter_policy_text())
    action = understand_shell(
        "TF_WORKSPACE=default terraform destroy -auto-approve",
        cwd="/work/infra",
        home="/root",
        env={},
        target=Target(),
        files=MemoryFiles({}),
    )
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.ASK and decision.approvals_required == 2
    assert lint(policy) == []


# -- lint counts people as approvals do ----------------------------------------------------------


def test_lint_counts_a_recased_name_once() -> None:
    # Was silent: approvals compare names without case (alice and Alice are one person), so two
    # approvals from [alice, Alice] can never be given.
    text = (
        "version: 1\nreviewers: {sre: [alice, Alice]}\nagents:\n  '*':\n    ask:\n"
        "      - {effect: delete, approvals: 2, reviewers: [sre]}\n"
    )
    (finding,) = _findings(text, "too-few-reviewers")
    assert finding.severity is Severity.ERROR and "which has 1 people" in finding.message


def test_lint_operator_and_agent_spelled_with_other_case() -> None:
    # Was silent: at approval time Bob is bob, kiro's operator, and Kiro is the agent kiro.
    text = (
        "version: 1\nreviewers: {sre: [Bob, carol]}\nagents:\n  '*':\n    ask:\n"
        "      - {effect: delete, approvals: 2, reviewers: [sre]}\n  kiro:\n    operators: [bob]\n"
    )
    (finding,) = _findings(text, "reviewer-is-operator")
    assert finding.severity is Severity.ERROR and "only carol can approve" in finding.message
    text = "version: 1\nreviewers: {sre: [Kiro, carol]}\nagents:\n  kiro: {}\n"
    assert _findings(text, "reviewer-is-agent")


# -- a file YAML refuses names its line ----------------------------------------------------------


def test_refused_character_error_names_the_line() -> None:
    # Was "keyturn.yaml: invalid YAML: ..." with no line for a NUL or control character.
    with pytest.raises(PolicyError) as raised:
        load_policy("version: 1\ndefault: ask\nagents:\n  kiro: {deny: [{service: i\x00am}]}\n")
    assert str(raised.value).startswith("keyturn.yaml:4: invalid YAML: ")


# -- keyturn's own installed code is part of its guard -------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(
            "echo 'raise SystemExit(0)' >> /home/dev/.local/share/pipx/venvs/keyturn/lib/"
            "python3.12/site-packages/keyturn/gate.py",
            id="append-to-keyturn-code-in-pipx-venv",
        ),
        pytest.param(
            "sed -i s/DENY/ALLOW/ /usr/lib/python3/dist-packages/keyturn/policy/engine.py",
            id="edit-keyturn-code-in-dist-packages",
        ),
        pytest.param(
            "rm -rf /home/dev/.local/share/pipx/venvs/keyturn", id="remove-keyturn-install"
        ),
        pytest.param(
            "rm -rf /srv/app/.venv/lib/python3.11/site-packages/keyturn",
            id="remove-keyturn-package-from-a-venv",
        ),
        pytest.param("cp /tmp/x /home/dev/.local/bin/keyturn", id="replace-keyturn-command"),
    ],
)
def test_agent_cannot_change_keyturns_own_install(brief_policy_text: str, command: str) -> None:
    # Was allow in dev (update/delete allowed there): the hooks run this code, and a hook that
    # cannot start lets the tool call through.
    policy = load_policy(brief_policy_text)
    action = understand_shell(
        command,
        cwd="/srv/app",
        home="/home/dev",
        env={},
        target=Target(environment="dev"),
        files=MemoryFiles({}),
    )
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.DENY
    assert "builtin:self-protection" in {j.rule for j in decision.judgements}


def test_reading_keyturns_code_and_similar_names_stay_allowed(brief_policy_text: str) -> None:
    policy = load_policy(brief_policy_text)
    for command in (
        "cat /usr/lib/python3/dist-packages/keyturn/gate.py",
        "echo x > /srv/app/keyturn_notes.txt",
        "rm -rf /srv/app/.venv/lib/python3.11/site-packages/keyturnish",
    ):
        action = understand_shell(
            command,
            cwd="/srv/app",
            home="/home/dev",
            env={},
            target=Target(environment="dev"),
            files=MemoryFiles({}),
        )
        assert policy.judge(action, actor=ACTOR).decision is Verdict.ALLOW, command


def test_unknown_command_in_a_pod_of_an_untold_namespace_is_not_taken_for_a_namespace() -> None:
    # k8s:*/pod/web-0/... (namespace not told) shares text with the protected k8s:namespace/*,
    # but names no namespace: an unknown effect is held by the names it gives, not by what a
    # wildcard in them could spell.
    text = (
        "version: 1\nenvironments: {production: {resources: ['*']}}\n"
        "reviewers: {oncall: [alice, carol]}\nprotected: ['k8s:namespace/*']\n"
        "agents:\n  '*':\n    ask:\n      - {effect: unknown, kind: shell, approvals: 2}\n"
    )
    action = understand_shell(
        "kubectl exec web-0 -- python -c 'import os'",
        cwd="/w",
        home="/root",
        env={},
        target=Target(),
        files=MemoryFiles({}),
    )
    assert load_policy(text).judge(action, actor=ACTOR).decision is Verdict.ASK


# -- system and home directories, in the spellings macOS opens as them ---------------------------


@pytest.mark.parametrize(
    "command",
    [
        pytest.param("rm -rf /system", id="macos-system-lower-case"),
        pytest.param("rm -rf /APPLICATIONS/*", id="macos-applications-upper-case"),
        pytest.param("rm -rf /private/ETC", id="macos-private-etc-upper-case"),
        pytest.param("rm -rf /usr/LOCAL", id="usr-local-other-case"),
        pytest.param("rm -rf /users/Bob", id="macos-home-lower-case-users"),
    ],
)
def test_recased_system_directory_is_catastrophic(brief_policy_text: str, command: str) -> None:
    # Was allow in dev for the first four (the last was caught only by self-protection): the
    # names were compared with case, and macOS's file system ignores it.
    policy = load_policy(brief_policy_text)
    action = understand_shell(
        command,
        cwd="/srv/app",
        home="/Users/bob",
        env={},
        target=Target(environment="dev"),
        files=MemoryFiles({}),
    )
    decision = policy.judge(action, actor=ACTOR)
    assert decision.decision is Verdict.DENY
    assert {j.rule for j in decision.judgements} == {"builtin:catastrophic"}
