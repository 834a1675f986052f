"""A bounded atheris run over the shell understander (run by test_fuzz_atheris.py).

Any exception escaping ``understand_shell``, an empty effect list, or an unknown effect that a
lenient policy allows is a crash atheris reports (non-zero exit).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["keyturn"]):
    from keyturn.model import Actor, EffectKind, Verdict
    from keyturn.policy import load_policy
    from keyturn.understand.shell import understand_shell

POLICY = load_policy(
    "version: 1\ndefault: allow\nunknown_environment: dev\nenvironments:\n  dev:\n"
    '    resources: ["*"]\n'
)
ACTOR = Actor(agent="atheris", operator="fuzz")


def one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(4096)
    action = understand_shell(text, cwd="/home/dev", home="/home/dev")
    if not action.effects:
        raise AssertionError(f"no effects for {text!r}")
    decision = POLICY.judge(action, actor=ACTOR)
    unknown = any(e.effect is EffectKind.UNKNOWN for e in action.effects)
    if unknown and decision.decision is Verdict.ALLOW:
        raise AssertionError(f"unknown effect allowed for {text!r}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
