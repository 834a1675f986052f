"""Settings that make an ``aws`` command run a program, or make a call mean something else.

- A config or credentials file the line names or writes (``AWS_CONFIG_FILE=./cfg aws …``,
  ``export AWS_SHARED_CREDENTIALS_FILE=…``, ``cat > ~/.aws/config … && aws …``; see
  :mod:`._aws_cli_config`) is the agent's doing. A ``credential_process`` of the profile in use,
  or of a profile it takes its credentials from (``source_profile``), is a program botocore
  runs to sign the call (its ProcessProvider; the credentials file's profiles count too): it
  is judged as the command line it is, and so is v2's ``cli_pager``. A ``[plugins]`` section
  (v1 imports the modules it names), or such a file that is there but cannot be read, is
  ``unknown``. The operator's own files -- the default ones, or those the caller's environment
  names -- are not judged, as writing them is held already (a run-later file).
- Service models from elsewhere replace botocore's: ``AWS_DATA_PATH`` (set on the line or in
  the caller's environment), a ``data_path`` setting of the profile, or the service's folder
  under ``~/.aws/models`` (botocore searches it first; a line that writes there too). What an
  operation sends is then not what keyturn reads from its own models -- ``head-bucket`` may
  send a DELETE -- so every call's effects are ``unknown``.
"""

from __future__ import annotations

from collections.abc import Mapping

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._aws_cli_config import (
    Section,
    SettingsFile,
    Unreadable,
    config_profiles,
    file_sections,
    merged_profiles,
    profile_chain,
    read_profiles,
    settings_files,
)
from keyturn.understand.shell.commands._aws_cli_profiles import variable
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

# Settings whose value is a command line the CLI runs.
_PROGRAM_KEYS = ("credential_process", "cli_pager")
DATA_PATH_VARIABLE = "AWS_DATA_PATH"


def settings_effects(
    cmd: SimpleCommand, ctx: ShellContext, target: Target, *, profile: str | None
) -> list[Effect]:
    """What the settings files the line names or writes run for ``profile`` (None: a profile
    decided at run time, so any of them)."""
    files = settings_files(cmd, ctx)
    if not any(file.judged for file in files):
        return []
    out: list[Effect] = []
    read: dict[SettingsFile, Mapping[str, Section]] = {}
    for file in files:
        sections = file_sections(file, ctx)
        if isinstance(sections, Unreadable):
            if file.judged:
                reason = f"{sections.reason}: a credential_process there would run a program"
                out.append(_unknown(cmd, target, reason))
            sections = {}
        read[file] = sections
    config, credentials = files
    own = {config: config_profiles(read[config]), credentials: read[credentials]}
    merged = merged_profiles(own[config], own[credentials])
    names = profile_chain(merged, profile) if profile is not None else list(merged)
    for file in (f for f in files if f.judged):
        if not file.credentials and read[file].get("plugins"):
            reason = f"{file.what} has a [plugins] section: the AWS CLI loads the code it names"
            out.append(_unknown(cmd, target, reason))
        for name in names:
            for key in _PROGRAM_KEYS:
                text = own[file].get(name, {}).get(key, "").strip()
                if text:
                    out.extend(_program(text, f"{file.what}: {key} of [{name}]", cmd, ctx, target))
    return out


def _program(
    text: str, where: str, cmd: SimpleCommand, ctx: ShellContext, target: Target
) -> list[Effect]:
    """The effects of the program a setting runs, judged as a command line of its own."""
    if ctx.understand_nested is None:
        return [_unknown(cmd, target, f"{where} runs a program that cannot be judged here")]
    return ctx.understand_nested(text)


def models_replaced(
    cmd: SimpleCommand, ctx: ShellContext, *, profile: str | None, service: str | None
) -> str | None:
    """Why the service models the CLI uses may not be botocore's own; None when they are."""
    from keyturn.understand.shell.commands._home import command_home
    from keyturn.understand.shell.line_writes import written_text

    given = variable(cmd, ctx, DATA_PATH_VARIABLE)
    if given:
        return f"{DATA_PATH_VARIABLE}={given} replaces the AWS CLI's service models"
    profiles, _ = read_profiles(cmd, ctx)
    names = [profile] if profile is not None else list(profiles.profiles)
    for name in names:
        if profiles.profiles.get(name, {}).get("data_path", "").strip():
            return f"the profile {name} sets data_path: it replaces the AWS CLI's service models"
    home = command_home(cmd, ctx)
    if home is None:
        return "the home directory is decided at run time: ~/.aws/models may replace the models"
    folder = f"{home.rstrip('/')}/.aws/models"
    written = any(p == folder or p.startswith(folder + "/") for p in ctx.written)
    if written or (ctx.written and written_text(ctx.written, folder)[0]):
        return f"the line writes {folder}, where the AWS CLI reads service models first"
    if service is not None and ctx.files.is_dir(f"{folder}/{service}"):
        return f"{folder}/{service} replaces the AWS CLI's model of {service}"
    return None


def with_models_replaced(effects: list[Effect], reason: str) -> list[Effect]:
    """``effects`` of a call whose models are not botocore's: each but a local file's is
    ``unknown`` (what the call sends is not told), saying why."""
    note = f"{reason}: what the call does is not told"
    return [
        e
        if e.service == "file" or e.effect is EffectKind.UNKNOWN
        else evolve(e, effect=EffectKind.UNKNOWN, detail=f"{e.detail}; {note}".lstrip("; "))
        for e in effects
    ]


def _unknown(cmd: SimpleCommand, target: Target, reason: str) -> Effect:
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource(names=("aws:*",)),
        target=target,
        service="aws",
        command=cmd.text or None,
        detail=reason,
    )
