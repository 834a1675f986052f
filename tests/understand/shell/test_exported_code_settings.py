"""Variables that make a program run or load code are judged however the line sets them: on the
command (``LESSKEY=… less x``) or exported before it (``export LESSKEY=…; less x``), which the
program reads just the same. Judged from the line's own assignments (:mod:`.code_settings`), so
this does not wait for exported variables to reach later commands' environment."""

from __future__ import annotations

import pytest
from tests.understand.shell.conftest import JudgeBrief

from keyturn.model import EffectKind, Verdict
from keyturn.understand.shell import understand_shell

# (variable=value, the program that reads it, the verdict in dev)
SETTINGS = [
    ("LESSOPEN='|rm -rf / %s'", "less x", Verdict.DENY),  # a command less runs on every file
    ("LESSKEY=/tmp/keys", "less x", Verdict.ASK),  # a lesskey file may set LESSOPEN
    ("LESSKEYIN=/tmp/keys", "less x", Verdict.ASK),
    ("LESSKEY_SRC=/tmp/keys", "less x", Verdict.ASK),
    ("LESSKEY_CONTENT='#env\nLESSOPEN=|rm -rf / %s'", "less x", Verdict.ASK),
    ("LESS='+!rm -rf /'", "less x", Verdict.ASK),  # a start-up command
    ("LESS=-k/tmp/keys", "less x", Verdict.ASK),
    ("LESS='-R --lesskey-src=/tmp/keys'", "less x", Verdict.ASK),
    ("LESS=-o/etc/cron.d/x", "less x", Verdict.ASK),  # a log file less writes
    ("SYSTEMD_LESS=FRXk/tmp/keys", "systemctl status", Verdict.ASK),
    ("MANOPT='-P rm'", "man ls", Verdict.ASK),  # the pager man runs
    ("npm_config_node_options='--require /tmp/x.js'", "npm ls", Verdict.ASK),
    ("NPM_CONFIG_NODE_OPTIONS='--require /tmp/x.js'", "ls", Verdict.ASK),
    ("npm_config_userconfig=/tmp/npmrc", "npm ls", Verdict.ASK),
    ("npm_config_script_shell='rm -rf /'", "npm ls", Verdict.DENY),
    ("Npm_Config_Script_Shell='rm -rf /'", "npm ls", Verdict.DENY),
]


@pytest.mark.parametrize(("setting", "program", "verdict"), SETTINGS)
def test_exported_is_judged_as_set_on_the_command(
    setting: str, program: str, verdict: Verdict, judge_brief: JudgeBrief
) -> None:
    for line in (
        f"{setting} {program}",
        f"export {setting}; {program}",
        f"export {setting}\n{program}",
        f"declare -x {setting}; {program}",
    ):
        decision = judge_brief(line, env="dev")
        assert decision.decision is verdict, (line, decision)


@pytest.mark.parametrize(
    "setting",
    [
        "LESS=-FRX",
        "LESS=FRX",  # git's own default: no dash needed
        "LESS='-R -x4 -Pfoo-o'",  # a prompt's text is no option
        "LESS=-+k",  # resets an option
        "MANOPT=-a",
        "npm_config_registry=http://registry.local",
        "LESSHISTFILE=-",
    ],
)
def test_harmless_settings_stay_harmless(setting: str) -> None:
    for line in (f"{setting} less x", f"export {setting}; less x"):
        effects = understand_shell(line, cwd="/w", home="/home/u").effects
        assert not [e for e in effects if e.effect is EffectKind.UNKNOWN], (line, effects)


def test_a_run_time_options_value_is_unknown() -> None:
    effects = understand_shell('export LESS="$X"; less y', cwd="/w", home="/home/u").effects
    assert any(e.effect is EffectKind.UNKNOWN and "LESS=" in e.detail for e in effects)
