"""AWS calls that set code running without naming it: an EventBridge rule changed or enabled
(its existing targets run when it fires), and a Lambda function's code, runtime or alias
changed (what the function runs from now on).

What each group rests on:

1. EventBridge (botocore's ``events`` model, the API reference's ``PutRule``: "Creates or
   updates the specified rule. Rules are enabled by default, or based on value of the state";
   an update replaces every field), confirmed with the ``aws`` CLI against moto: ``put-rule``
   without ``--state`` on a DISABLED rule leaves it ENABLED, keeps the targets it had, and a
   later ``put-targets`` adds to them (``list-targets-by-rule`` shows the old one beside it).
2. Lambda (botocore's ``lambda`` model; moto): an alias's ARN is
   ``arn:aws:lambda:R:A:function:NAME:ALIAS``; ``UpdateFunctionCode`` has ``DryRun``,
   ``Publish``; ``UpdateFunctionConfiguration`` sets ``Handler``, ``Runtime``, ``Layers``,
   ``ImageConfig`` and ``Environment``; the Lambda guide's wrapper scripts
   (``AWS_LAMBDA_EXEC_WRAPPER``) and language variables (``NODE_OPTIONS``...) load code.

Judged for agent ``kiro`` acting for ``bob`` under the BRIEF policy (``--profile dev`` is dev;
a name with ``prod`` in it is production through the policy's ``resources: ["*prod*"]``).
Each behaviour test was judged looser (or named less) before the change; the ones labelled
false-alarm guards pass either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.adversarial.conftest import ACTOR, CWD, HOME, JudgeShell
from tests.conftest import BRIEF_POLICY

from keyturn.model import Action, Effect, EffectKind, Target, Verdict
from keyturn.policy import Policy, load_policy
from keyturn.understand import MemoryFiles
from keyturn.understand.aws import understand_aws
from keyturn.understand.shell import understand_shell

A, Q, D = Verdict.ALLOW, Verdict.ASK, Verdict.DENY
U, UPD = EffectKind.UNKNOWN, EffectKind.UPDATE
_ZIP = {f"{CWD}/fn.zip": "zip"}


def _understood(command: str) -> Action:
    return understand_shell(
        command, cwd=CWD, home=HOME, env={}, files=MemoryFiles(_ZIP), target=Target()
    )


def _effects(command: str) -> list[Effect]:
    return list(_understood(command).effects)


def _names(effects: list[Effect] | tuple[Effect, ...], kind: EffectKind | None = None) -> set[str]:
    return {n for e in effects if kind is None or e.effect is kind for n in e.resource.names}


def _details(effects: list[Effect] | tuple[Effect, ...]) -> str:
    return " | ".join(e.detail for e in effects)


@pytest.fixture(scope="module")
def guarding() -> Policy:
    """The BRIEF policy, protecting the payments function and the billing rule too, and
    denying every change to the ledger function by a rule on its name."""
    anchor = '  - "arn:aws:s3:::acme-terraform-state*"\n'
    extra = '  - "arn:aws:lambda:*:*:function:payments"\n  - "arn:aws:events:*:*:rule/billing-*"\n'
    deny = '    deny:\n      - command: "git push --force*"\n'
    ledger = '      - resource: "arn:aws:lambda:*:*:function:ledger"\n        effect: [update]\n'
    text = BRIEF_POLICY.replace(anchor, anchor + extra).replace(deny, deny + ledger)
    return load_policy(text)


def _judged(policy: Policy, command: str) -> Verdict:
    return policy.judge(_understood(command), actor=ACTOR).decision


# -- 1. EventBridge rules changed or enabled -------------------------------------------------------


_PUT_RULE = "aws --profile dev events put-rule --name nightly --schedule-expression 'rate(1 day)'"


def test_putting_a_rule_holds_its_existing_targets(judge_shell: JudgeShell) -> None:
    """``put-rule`` creates or replaces the rule, enabled unless ``--state DISABLED``: the
    targets it already has (not in the call) run on the new schedule. ``unknown`` on the rule,
    held in dev (before: an ``update`` of the rule, allowed)."""
    found = _effects(_PUT_RULE)
    assert "arn:aws:events:*:*:rule/nightly" in _names(found, U)
    assert "existing targets" in _details(found)
    assert judge_shell(_PUT_RULE).decision is Q


def test_enabling_a_rule_holds_its_existing_targets(judge_shell: JudgeShell) -> None:
    """``enable-rule`` turns the rule on: its targets run from now on (before: allowed)."""
    command = "aws --profile dev events enable-rule --name nightly"
    assert "arn:aws:events:*:*:rule/nightly" in _names(_effects(command), U)
    assert judge_shell(command).decision is Q


def test_changing_a_protected_rule_is_denied(guarding: Policy) -> None:
    """An ``unknown`` on a protected rule may be anything done to it: denied (before: an
    ``update``, allowed in dev)."""
    command = "aws --profile dev events put-rule --name billing-sweep --event-pattern '{}'"
    assert _judged(guarding, command) is D
    assert _judged(guarding, command.replace("billing-", "other-")) is Q


def test_enabling_everything_cloudtrail_sees_is_held() -> None:
    """``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`` is enabled too (before: an update)."""
    params = {
        "Name": "n",
        "EventPattern": "{}",
        "State": "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS",
    }
    assert any(e.effect is U for e in understand_aws("events", "PutRule", params).effects)


def test_put_targets_on_the_same_line_does_not_make_the_targets_known(
    judge_shell: JudgeShell,
) -> None:
    """Decision: a ``put-targets`` for the same rule on the line does not stand for the rule's
    targets. It adds to them (moto: the old target stays), and whether the rule is new is not
    in the call, so ``put-rule --name old && put-targets --rule old --targets <a queue>``
    would fire ``old``'s existing targets unseen. The rule stays ``unknown`` and the listed
    target is judged with its own call (before: only the queue's update, allowed)."""
    targets = "Id=1,Arn=arn:aws:sqs:us-east-1:222222222222:jobs"
    command = (
        f"{_PUT_RULE} && aws --profile dev events put-targets --rule nightly --targets {targets}"
    )
    found = _effects(command)
    assert "arn:aws:events:*:*:rule/nightly" in _names(found, U)
    assert "arn:aws:sqs:us-east-1:222222222222:jobs" in _names(found, UPD)
    assert judge_shell(command).decision is Q


def test_a_rule_on_another_bus_is_named_with_its_bus() -> None:
    """A rule on a custom bus is ``rule/BUS/NAME`` (before: ``rule/NAME`` only, which a
    pattern for the real ARN misses); a bus given by ARN tells the region and account."""
    found = _effects(
        "aws --profile dev events put-rule --name nightly --event-bus-name orders "
        "--schedule-expression 'rate(1 hour)'"
    )
    assert "arn:aws:events:*:*:rule/orders/nightly" in _names(found, U)
    assert "arn:aws:events:*:*:rule/orders/nightly" in _names(found, UPD)
    bus = "arn:aws:events:eu-west-1:222222222222:event-bus/orders"
    action = understand_aws("events", "EnableRule", {"Name": "nightly", "EventBusName": bus})
    assert "arn:aws:events:eu-west-1:222222222222:rule/orders/nightly" in _names(action.effects, U)


def test_a_rule_left_disabled_runs_nothing(judge_shell: JudgeShell) -> None:
    """False-alarm guard: ``--state DISABLED`` matches no event (the API reference), so no
    target runs: the rule's own update, allowed in dev."""
    command = f"{_PUT_RULE} --state DISABLED"
    assert not _names(_effects(command), U)
    assert judge_shell(command).decision is A


def test_disabling_a_rule_runs_nothing(judge_shell: JudgeShell) -> None:
    """False-alarm guard: ``disable-rule`` stops the targets running; an update."""
    command = "aws --profile dev events disable-rule --name nightly"
    assert not _names(_effects(command), U)
    assert judge_shell(command).decision is A


# -- 2. what a Lambda function runs ------------------------------------------------------------


@pytest.mark.parametrize(
    "function",
    [
        "payments",
        "arn:aws:lambda:us-east-1:222222222222:function:payments",
        "222222222222:function:payments",
    ],
)
def test_new_code_for_a_function_is_an_update_of_it(function: str, guarding: Policy) -> None:
    """Decision: ``update-function-code`` is an ``update`` of the function, not a
    ``replace``. The function keeps its ARN, configuration, permissions, triggers and its
    published versions (immutable); a Terraform plan judges the same change an in-place update
    and CloudFormation's ``Code`` "requires no interruption"; keyturn keeps ``replace`` for
    what destroys a resource or its data (SQL's ``CREATE OR REPLACE FUNCTION`` is an update
    here too). So it is judged exactly as another update of the function is (dev: allowed;
    production: held for approval), the protected function included, and the detail says the
    code is replaced. False-alarm guard for the kind (an update before too); the detail is
    new."""
    command = f"aws --profile dev lambda update-function-code --function-name {function} "
    command += "--zip-file fileb://fn.zip"
    found = [e for e in _effects(command) if e.service == "lambda"]
    assert [e.effect for e in found] == [UPD]
    assert any(n.endswith(":function:payments") for n in found[0].resource.names)
    assert "replaces the code the function runs" in found[0].detail
    plain = f"aws --profile dev lambda update-function-configuration --function-name {function} "
    plain += "--description x"
    for profile in ("dev", "prod"):
        judged = _judged(guarding, command.replace("dev", profile))
        assert judged is _judged(guarding, plain.replace("dev", profile))
    assert _judged(guarding, command.replace("dev", "prod")) is Q


def test_new_code_through_a_qualifier_names_the_function(guarding: Policy) -> None:
    """A qualified name (``payments:live``, which the CLI passes on) reaches the function:
    its own ARN is named too, so a rule written for the function holds (before: only
    ``function:ledger:live``, which the deny rule on ``function:ledger`` missed: held)."""
    command = "aws --profile dev lambda update-function-code --function-name ledger:live "
    command += "--zip-file fileb://fn.zip"
    assert "arn:aws:lambda:*:*:function:ledger" in _names(_effects(command), UPD)
    assert _judged(guarding, command) is D


def test_pointing_an_alias_at_new_code_names_the_function(
    judge_shell: JudgeShell, guarding: Policy
) -> None:
    """``update-alias`` changes what callers of ``function:NAME:ALIAS`` run: an ``update`` of
    the alias and the function (not a replace: no code is lost, the old version stays).
    Before it was named ``…:alia/live``, no function: the production function's alias was
    allowed from a dev profile, and the deny rule on ``ledger`` missed it."""
    command = "aws --profile dev lambda update-alias --function-name prod-api --name live "
    command += "--function-version 7"
    found = _effects(command)
    assert {
        "arn:aws:lambda:*:*:function:prod-api:live",
        "arn:aws:lambda:*:*:function:prod-api",
    } <= _names(found, UPD)
    assert "points the alias at version 7" in _details(found)
    assert judge_shell(command).decision is Q
    assert _judged(guarding, command.replace("prod-api", "ledger")) is D


def test_creating_or_deleting_an_alias_updates_the_function(guarding: Policy) -> None:
    """Making or dropping an alias is that of ``function:NAME:ALIAS`` and an ``update`` of the
    function, which stays (before: ``…:alia/live`` alone, no function named)."""
    base = "aws --profile dev lambda {} --function-name payments --name live"
    for verb, kind in (("delete-alias", EffectKind.DELETE), ("create-alias", EffectKind.CREATE)):
        command = base.format(verb) + (" --function-version 3" if verb == "create-alias" else "")
        found = _effects(command)
        assert "arn:aws:lambda:*:*:function:payments:live" in _names(found, kind)
        assert "arn:aws:lambda:*:*:function:payments" in _names(found, UPD)
        # The protected pattern names the function exactly: its alias is not it (no
        # protected delete; dev's rules allow it).
        assert _judged(guarding, command) is A


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ("--handler other.main", "changes the code the function runs (Handler)"),
        ("--runtime python3.12", "changes the code the function runs (Runtime)"),
        ("--layers arn:aws:lambda:us-east-1:222222222222:layer:x:1", "(Layers)"),
        (
            "--environment 'Variables={AWS_LAMBDA_EXEC_WRAPPER=/opt/w}'",
            "sets AWS_LAMBDA_EXEC_WRAPPER: the runtime loads other code",
        ),
        ("--environment 'Variables={NODE_OPTIONS=--require=/opt/x.js}'", "sets NODE_OPTIONS"),
    ],
)
def test_configuration_that_changes_the_code_run_says_so(
    options: str, said: str, guarding: Policy
) -> None:
    """Handler, runtime, layers, image config and code-loading variables change what the
    function runs: an ``update`` of it that says so (before: a bare
    ``lambda:UpdateFunctionConfiguration``), held for the ledger by its deny rule."""
    command = (
        f"aws --profile dev lambda update-function-configuration --function-name ledger {options}"
    )
    found = [e for e in _effects(command) if e.service == "lambda"]
    assert [e.effect for e in found] == [UPD]
    assert said in found[0].detail
    assert _judged(guarding, command) is D


def test_configuration_that_runs_the_same_code_says_nothing_of_code(
    judge_shell: JudgeShell,
) -> None:
    """False-alarm guard: a timeout or a plain variable changes no code: the bare update."""
    for options in ("--timeout 30", "--environment 'Variables={LOG_LEVEL=debug}'"):
        command = (
            f"aws --profile dev lambda update-function-configuration --function-name api {options}"
        )
        found = [e for e in _effects(command) if e.service == "lambda"]
        assert "code" not in found[0].detail
        assert judge_shell(command).decision is A


def test_publishing_a_version_or_a_dry_run_stays_as_it_was(judge_shell: JudgeShell) -> None:
    """False-alarm guards: ``publish-version`` changes what no caller runs until an alias
    points at it (an update of the function, as before); ``--dry-run`` only checks
    permissions (a read)."""
    publish = "aws --profile dev lambda publish-version --function-name api"
    assert [e.effect for e in _effects(publish)] == [UPD]
    dry = "aws --profile dev lambda update-function-code --function-name api "
    dry += "--zip-file fileb://fn.zip --dry-run"
    assert {e.effect for e in _effects(dry)} == {EffectKind.READ}
    assert judge_shell(dry, files=_ZIP).decision is A


# -- 3. the call understanding's modules ---------------------------------------------------------


def test_the_call_understanding_is_in_small_modules() -> None:
    """Every module of the AWS call understanding is under 400 lines (before: ``calls.py``
    had 530), and the names callers import from ``calls`` are still there."""
    from keyturn.understand.aws import calls

    package = Path(calls.__file__).parent
    sizes = {p.name: len(p.read_text().splitlines()) for p in package.glob("*.py")}
    assert all(n < 400 for n in sizes.values()), sizes
    for name in ("AwsCall", "arn_hints", "call_target", "effects_of", "json_safe", "resolve_call"):
        assert hasattr(calls, name)
