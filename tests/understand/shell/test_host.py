"""The machine's own management: services, power, processes, cron tables and the firewall."""

from __future__ import annotations

import pytest

from keyturn.model import EffectKind, Verdict
from keyturn.understand.shell import understand_shell

_E = EffectKind


def _effects(command: str, **env: str):
    return understand_shell(command, cwd="/w", home="/home/u", env=env).effects


def _pairs(command: str, **env: str) -> list[tuple[EffectKind, str]]:
    return [(e.effect, e.resource.name) for e in _effects(command, **env)]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("systemctl status nginx", (_E.READ, "service:nginx")),
        ("systemctl is-active nginx.service", (_E.READ, "service:nginx")),
        ("systemctl list-units --type service", (_E.READ, "host:local")),
        ("systemctl", (_E.READ, "host:local")),
        ("systemctl stop postgresql", (_E.UPDATE, "service:postgresql")),
        ("systemctl --now disable nginx", (_E.UPDATE, "service:nginx")),
        ("systemctl restart backup.timer", (_E.UPDATE, "service:backup.timer")),
        ("systemctl -H db1 stop postgresql", (_E.UPDATE, "service:db1/postgresql")),
        ("systemctl --host=db1 stop postgresql", (_E.UPDATE, "service:db1/postgresql")),
        ("systemctl reboot", (_E.UPDATE, "host:local")),
        ("systemctl -H db1 poweroff", (_E.UPDATE, "host:db1")),
        ("service nginx status", (_E.READ, "service:nginx")),
        ("service nginx restart", (_E.UPDATE, "service:nginx")),
        ("shutdown -h now", (_E.UPDATE, "host:local")),
        ("shutdown -k now", (_E.READ, "host:local")),
        ("reboot", (_E.UPDATE, "host:local")),
        ("halt -w", (_E.READ, "host:local")),
        ("init 6", (_E.UPDATE, "host:local")),
        ("kill 4242", (_E.UPDATE, "process:4242")),
        ("kill -s KILL 4242", (_E.UPDATE, "process:4242")),
        ("kill -1 4242", (_E.UPDATE, "process:4242")),  # -1 before a PID is SIGHUP
        ("kill -0 4242", (_E.READ, "process:4242")),
        ("kill -l", (_E.READ, "process:*")),
        ("pkill -9 -f 'node server'", (_E.UPDATE, "process:node server")),
        ("killall -u bob", (_E.UPDATE, "process:user/bob/*")),
        ("crontab -l", (_E.READ, "cron:current")),
        ("crontab -u bob -r", (_E.DELETE, "cron:bob")),
        ("iptables -L -n", (_E.READ, "firewall:iptables/filter")),
        ("iptables -F -t nat", (_E.UPDATE, "firewall:iptables/nat")),
        ("iptables -A INPUT -p tcp --dport 22 -j ACCEPT", (_E.UPDATE, "firewall:iptables/filter")),
        ("nft list ruleset", (_E.READ, "firewall:nft/ruleset")),
        ("nft flush ruleset", (_E.UPDATE, "firewall:nft/ruleset")),
        ("ufw status verbose", (_E.READ, "firewall:ufw")),
        ("ufw app list", (_E.READ, "firewall:ufw")),
        ("ufw disable", (_E.UPDATE, "firewall:ufw")),
    ],
)
def test_meanings(command: str, expected: tuple[EffectKind, str]) -> None:
    assert _pairs(command) == [expected], command


def test_cron_table_is_the_users() -> None:
    assert _pairs("crontab -r", USER="kiro") == [(_E.DELETE, "cron:kiro")]


@pytest.mark.parametrize(
    "command",
    ["systemctl stop postgresql", "shutdown -r now", "kill -9 4242", "iptables -F", "ufw reset"],
)
def test_interruptions_say_so(command: str) -> None:
    assert all(e.detail.startswith("disruptive") for e in _effects(command)), command


@pytest.mark.parametrize(
    "command",
    ["kill -9 -1", "kill -1", "kill -KILL -- -1", "kill 1", "killall5 -9", "pkill .", "pkill ''"],
)
def test_signalling_every_process_is_catastrophic(command: str) -> None:
    found = _effects(command)
    assert any(e.catastrophic for e in found), command


@pytest.mark.parametrize(
    "command",
    [
        "crontab -e",  # runs $EDITOR on the table
        "EDITOR='sed -i d' crontab -e",
        "crontab jobs.txt",  # installs commands to run later, not judged here
        "echo '* * * * * rm -rf ~' | crontab -",
        "nft",  # the interactive shell
        "service nginx",
        "init",
        "systemctl start",
    ],
)
def test_what_is_not_understood_is_unknown(command: str) -> None:
    assert any(e.effect is _E.UNKNOWN for e in _effects(command)), command


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("systemctl stop postgresql", Verdict.ASK),
        ("shutdown -h now", Verdict.ASK),
        ("crontab -r", Verdict.ASK),
        ("kill -9 -1", Verdict.DENY),
        ("sudo killall5", Verdict.DENY),
        ("crontab jobs.txt", Verdict.DENY),
        ("systemctl status nginx", Verdict.ALLOW),
    ],
)
def test_in_production(command: str, expected: Verdict, judge_brief) -> None:
    decision = judge_brief(command)
    assert decision.decision is expected, (command, decision.describe())
