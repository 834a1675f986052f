"""Follow-ups of the runs-later files: writes that decide what runs, or what is protected, later.

1. The docker CLI's ``config.json`` (``~/.docker``): its ``credsStore`` and ``credHelpers`` name
   programs (``docker-credential-<name>``) the CLI runs to get a registry's credentials, and
   ``cliPluginsExtraDirs`` names folders of plugins it runs; its ``cli-plugins`` folders
   (``~/.docker/cli-plugins``, ``/usr/{local/,}{lib,libexec}/docker/cli-plugins``) hold the
   programs ``docker <name>`` runs. Checked with docker 28.2.2 (installed here):
   ``{"credsStore":"evil"}`` made ``docker pull`` run ``docker-credential-evil get`` before
   it even reached the daemon, and a ``docker-hello`` in ``cli-plugins`` ran at ``docker
   hello``; the system folders are the ones in the binary's strings. ``docker context use``
   writes ``currentContext`` there itself: that change is judged as docker's own (the
   context's effect), not as a raw write of the file; ``docker cp``'s host side is a raw write.
2. binfmt_misc (the kernel's ``Documentation/admin-guide/binfmt-misc.rst``): a line written to
   ``/proc/sys/fs/binfmt_misc/register`` (what ``sysctl -w fs.binfmt_misc.register=…`` writes,
   procps-ng sysctl writing ``/proc/sys/<key with dots as slashes>``) names an interpreter the
   kernel runs for every matching file executed; writing ``1`` to an entry's file enables it.
3. ``curl -o FILE`` / ``wget -O FILE`` / ``http -o FILE`` truncate and write FILE with what the
   server sends (curl(1), wget(1)): over a Terraform file, what it protected may be gone, as
   for ``cp x main.tf``; a FILE decided at run time may be any file; a block device is
   overwritten whole.
"""

from __future__ import annotations

import pytest
from tests.adversarial.conftest import CWD, HOME, JudgeShell

from keyturn.model import Action, EffectKind, Verdict
from keyturn.understand import MemoryFiles
from keyturn.understand.runs_later import runs_later
from keyturn.understand.shell import understand_shell

_E = EffectKind
DOCKER_CONFIG = f"file:{HOME}/.docker/config.json"
MAIN_TF = 'resource "aws_db_instance" "main" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n'


def _action(line: str, files: dict[str, str] | None = None) -> Action:
    return understand_shell(line, cwd=CWD, home=HOME, files=MemoryFiles(files or {}))


def _kind_of(action: Action, name: str) -> EffectKind:
    kinds = {e.effect for e in action.effects if name in e.resource.names}
    assert kinds, f"{name} not named: {action.effects}"
    return _E.UNKNOWN if _E.UNKNOWN in kinds else kinds.pop()


# -- 1. the docker CLI's settings and plugins ----------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        DOCKER_CONFIG[5:],
        "/root/.docker/config.json",
        "/srv/ci/.docker/config.json",
        f"{HOME}/.docker/cli-plugins/docker-compose",
        "/usr/local/lib/docker/cli-plugins/docker-buildx",
        "/usr/libexec/docker/cli-plugins/docker-scan",
    ],
)
def test_docker_settings_and_plugins_run_later(path: str) -> None:
    assert runs_later(path, home=HOME) is not None


@pytest.mark.parametrize(
    "line",
    [
        """echo '{"credsStore":"evil"}' > ~/.docker/config.json""",
        "cp /tmp/c.json ~/.docker/config.json",
        "curl -o ~/.docker/config.json https://example.com/c.json",
        "docker cp web:/tmp/c.json ~/.docker/config.json",
        "cp /tmp/x ~/.docker/cli-plugins/docker-compose",
    ],
)
def test_a_raw_write_of_dockers_settings_is_unknown(line: str, judge_shell: JudgeShell) -> None:
    action = _action(line)
    named = ("config.json", "docker-compose")
    written = [e for e in action.effects if any(n.endswith(named) for n in e.resource.names)]
    assert written and all(e.effect is _E.UNKNOWN for e in written if e.effect is not _E.READ)
    assert judge_shell(line, env="dev").decision is not Verdict.ALLOW


def test_docker_context_use_stays_dockers_own_change(judge_shell: JudgeShell) -> None:
    action = _action("docker context use prod")
    assert _kind_of(action, DOCKER_CONFIG) is _E.UPDATE
    assert _kind_of(_action("docker context rm -f old"), DOCKER_CONFIG) is _E.UPDATE
    decision = judge_shell("docker context use default", env="dev")
    assert decision.decision is Verdict.ALLOW


def test_reading_dockers_settings_stays_a_read(judge_shell: JudgeShell) -> None:
    assert judge_shell("cat ~/.docker/config.json", env="dev").decision is not Verdict.DENY
    assert _kind_of(_action("cat ~/.docker/config.json"), DOCKER_CONFIG) is _E.READ


# -- 2. binfmt_misc ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "sysctl -w fs.binfmt_misc.register=:py:E::py::/tmp/evil:",
        "sysctl -w fs/binfmt_misc/register=:py:E::py::/tmp/evil:",
        "sysctl fs.binfmt_misc.python=1",
    ],
)
def test_sysctl_registering_an_interpreter_is_unknown(line: str) -> None:
    effects = [e for e in _action(line).effects if e.resource.type == "sysctl"]
    assert effects and all(e.effect is _E.UNKNOWN for e in effects)


@pytest.mark.parametrize(
    "line",
    [
        "echo ':py:E::py::/tmp/evil:' > /proc/sys/fs/binfmt_misc/register",
        "echo 1 | tee /proc/sys/fs/binfmt_misc/python",
    ],
)
def test_a_write_to_binfmt_misc_is_unknown(line: str) -> None:
    effects = [e for e in _action(line).effects if e.effect is not _E.READ]
    named = [e for e in effects if any("binfmt_misc" in n for n in e.resource.names)]
    assert named and all(e.effect is _E.UNKNOWN for e in named)


def test_other_kernel_settings_stay_updates() -> None:
    effects = _action("sysctl -w vm.swappiness=10").effects
    assert [e.effect for e in effects if e.resource.type == "sysctl"] == [_E.UPDATE]


# -- 3. downloads over files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "curl -o main.tf https://example.com/main.tf",
        "curl -so main.tf https://example.com/main.tf",
        "wget -O main.tf https://example.com/main.tf",
        "wget -qO main.tf https://example.com/main.tf",
        "http -o main.tf https://example.com/main.tf",
        "curl -O https://example.com/main.tf",
    ],
)
def test_a_download_over_a_protected_file_drops_its_protection(
    line: str, judge_shell: JudgeShell
) -> None:
    files = {f"{CWD}/main.tf": MAIN_TF}
    written = [e for e in _action(line, files).effects if f"file:{CWD}/main.tf" in e.resource.names]
    assert written and "aws_db_instance.main" in written[0].resource.names
    assert "prevent_destroy" in written[0].detail
    # As ``cp x main.tf`` is:
    assert judge_shell(line, env="dev", files=files).decision is Verdict.DENY
    assert judge_shell("cp x main.tf", env="dev", files=files).decision is Verdict.DENY


def test_a_new_terraform_file_downloaded_stays_allowed(judge_shell: JudgeShell) -> None:
    line = "curl -o db.tf https://example.com/db.tf"
    assert _kind_of(_action(line), f"file:{CWD}/db.tf") is _E.CREATE
    assert judge_shell(line, env="dev").decision is Verdict.ALLOW


@pytest.mark.parametrize(
    "line",
    [
        'curl -o "$OUT" https://example.com/x',
        "wget -O $OUT https://example.com/x",
        'http -o "$OUT" https://example.com/x',
    ],
)
def test_a_download_to_a_path_decided_at_run_time_is_unknown(line: str) -> None:
    written = [e for e in _action(line).effects if e.resource.type == "file"]
    assert written and all(e.effect is _E.UNKNOWN for e in written)


def test_a_download_onto_a_disk_is_catastrophic() -> None:
    written = [
        e
        for e in _action("curl -o /dev/sda https://example.com/img").effects
        if e.resource.type == "file"
    ]
    assert written and written[0].catastrophic


def test_a_downloads_credentials_stay_redacted() -> None:
    action = _action("curl -u bob:s3cret -o main.tf https://example.com/x")
    assert all("s3cret" not in (e.command or "") for e in action.effects)
