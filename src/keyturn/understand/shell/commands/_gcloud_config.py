"""Where a ``gcloud`` call lands when the line does not say: the project of its configuration.

gcloud takes each property from, in order: the flag (``--project``), the variable
(``CLOUDSDK_CORE_PROJECT``), the active configuration's file. The configuration is the one
``--configuration`` or ``CLOUDSDK_ACTIVE_CONFIG_NAME`` names, else the one
``<config dir>/active_config`` names, else ``default``; its file is
``<config dir>/configurations/config_<name>`` (INI: ``[core] project = acme-prod``). The config
directory is ``CLOUDSDK_CONFIG``, else ``~/.config/gcloud``.

Files are read through ``ctx.files`` only. A configuration the line itself changed before the
call (``gcloud config set project …``, a copy over the file) is not read: the disk holds what
was there before, not what the call will use, and the project is then not told.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.effects import file_effect, home_path, unknown_effect
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_CONFIG_LIMIT = 64_000  # a configuration file is a few lines


@dataclass(frozen=True, slots=True)
class GcloudDefaults:
    """The project a call without ``--project`` uses, and the configuration it was read from
    (``configuration``: set when one is named, by flag, variable or ``active_config``)."""

    project: str | None = None
    configuration: str | None = None


def config_dir(cmd: SimpleCommand, ctx: ShellContext) -> str:
    """The directory gcloud keeps its configurations in (absolute)."""
    given = setting(cmd, ctx.env, "CLOUDSDK_CONFIG")
    return home_path(given or "~/.config/gcloud", ctx).rstrip("/") or "/"


def changed_on_line(directory: str, ctx: ShellContext) -> bool:
    """Whether a command earlier on the line changed a file under ``directory``: one in it, the
    directory itself, or a tree or glob over it (``rsync -a x/ ~/``)."""
    prefix = directory.rstrip("/") + "/"
    if any(path == directory or path.startswith(prefix) for path in ctx.written):
        return True
    return written_text(ctx.written, prefix)[0]


def gcloud_defaults(
    cmd: SimpleCommand, ctx: ShellContext, *, configuration: str | None
) -> GcloudDefaults:
    """The project of the active configuration (``configuration``: the one the flag or the
    variable names, if any), as gcloud reads it; nothing when it cannot be told."""
    directory = config_dir(cmd, ctx)
    if changed_on_line(directory, ctx):
        return GcloudDefaults(configuration=configuration)
    name = configuration
    if name is None:
        active = ctx.files.read_text(f"{directory}/active_config", limit=_CONFIG_LIMIT)
        name = active.strip() if active and active.strip() else None
    path = f"{directory}/configurations/config_{name or 'default'}"
    if "/" in (name or "") or name in (".", ".."):
        return GcloudDefaults(configuration=name)  # gcloud refuses such names
    text = ctx.files.read_text(path, limit=_CONFIG_LIMIT)
    return GcloudDefaults(project=_core_project(text), configuration=name)


def _core_project(text: str | None) -> str | None:
    """``[core] project`` of a configuration file's text; None when absent or unreadable
    (gcloud refuses to run on a file it cannot parse)."""
    return ini_value(text, "core", "project")


def ini_value(text: str | None, section: str, key: str) -> str | None:
    """``[section] key`` of an INI file's text (gcloud's and az's settings); None when the
    text is absent, cannot be parsed, or leaves it unset."""
    if not text:
        return None
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    value = parser.get(section, key, fallback="").strip()
    return value or None


# ``gcloud config`` subcommands that only read the configuration.
_CONFIG_READS = frozenset({"list", "get", "get-value", "describe"})


def reads_config(words: list[str]) -> bool:
    rest = [w for w in words[1:] if w != "configurations"]
    return bool(rest) and rest[0] in _CONFIG_READS


def config_writes(words: list[str], cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    """``gcloud config set|unset|configurations activate…`` and ``gcloud init`` rewrite the
    configurations: a write of gcloud's config directory, so that later calls on the line are
    not placed by what the disk held before (the call's own meaning is judged besides)."""
    directory = config_dir(cmd, ctx)
    detail = f"gcloud {' '.join(words[:3])}: rewrites gcloud's configuration"
    out = [
        file_effect(EffectKind.UPDATE, [f"{directory}/*"], cmd, ctx, detail=detail, service="gcp")
    ]
    if words[:1] == ["init"]:
        reason = "gcloud init: an interactive set-up, what it chooses is not known"
        out.append(unknown_effect(cmd, reason, ctx))
    return out
