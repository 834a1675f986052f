"""The AWS CLI's config and credentials files, read as botocore reads them.

Where: ``AWS_CONFIG_FILE``, else ``~/.aws/config``, and ``AWS_SHARED_CREDENTIALS_FILE``, else
``~/.aws/credentials``, under the home the command runs with (botocore expands ``~`` and
``$VARIABLES`` in the two names: one holding ``$`` is not told).

How (botocore's ``configloader`` and ``Session.full_config``): each file is an INI file read by
Python's configparser -- option names lower-cased, section names as written, a duplicate
section or option refused, ``[DEFAULT]``'s keys in every section, an indented value a nested
table. In the config file a section whose name starts with ``profile`` and splits (shlex) into
two words is that profile (``[profile dev]``, ``[profile "dev"]``, ``[profile  dev]``; a later
one replaces an earlier), and ``[default]`` is the default profile. Every section of the
credentials file is the profile of its name (``[dev]``), its keys merged over the config
file's.

A file the line itself names (an assignment or export of the variable on the line) or wrote
before the command is *judged*: what it may run is the agent's doing, not the operator's
(:mod:`._aws_cli_settings`). The caller's own environment and the default files are the
operator's, as keyturn has always taken them.
"""

from __future__ import annotations

import configparser
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_FILE_LIMIT = 1_000_000
CONFIG_VARIABLE = "AWS_CONFIG_FILE"
CREDENTIALS_VARIABLE = "AWS_SHARED_CREDENTIALS_FILE"

Section = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class SettingsFile:
    """One of the CLI's two files: its ``path`` (None: not told), whether it is the
    ``credentials`` file, and whether the line ``named`` it or ``wrote`` it before the
    command."""

    path: str | None
    credentials: bool
    named: bool = False
    wrote: bool = False

    @property
    def judged(self) -> bool:
        """Whether what the file says is the line's doing (see the module docstring)."""
        return self.named or self.wrote

    @property
    def what(self) -> str:
        """How a message names the file."""
        kind = "credentials" if self.credentials else "config"
        return f"the AWS {kind} file {self.path or '(a path decided at run time)'}"


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file that is there (or was changed by the line) but cannot be read or parsed."""

    reason: str


@dataclass(frozen=True, slots=True)
class Profiles:
    """What the files say: each profile's settings (the credentials file's merged over the
    config file's), the config file's other sections (``[plugins]``...), and every section
    that names each profile in either file (``every``: those botocore's map replaced too)."""

    profiles: Mapping[str, Section] = field(default_factory=dict)
    sections: Mapping[str, Section] = field(default_factory=dict)
    every: Mapping[str, tuple[Section, ...]] = field(default_factory=dict)


def settings_files(cmd: SimpleCommand, ctx: ShellContext) -> tuple[SettingsFile, SettingsFile]:
    """The config file and the credentials file the command reads."""
    return (
        _settings_file(cmd, ctx, CONFIG_VARIABLE, "config"),
        _settings_file(cmd, ctx, CREDENTIALS_VARIABLE, "credentials"),
    )


def _settings_file(cmd: SimpleCommand, ctx: ShellContext, variable: str, name: str) -> SettingsFile:
    from keyturn.understand.shell.commands._home import command_home
    from keyturn.understand.shell.effects import home_path

    credentials = name == "credentials"
    given = cmd.assignments.get(variable)
    named = bool(given)
    given = given or ctx.env.get(variable)
    path: str | None
    if given:
        path = None if any(c in given for c in "$`") else home_path(given, ctx)
    else:
        home = command_home(cmd, ctx)
        path = None if home is None else f"{home.rstrip('/')}/.aws/{name}"
    wrote = path is not None and bool(ctx.written) and written_text(ctx.written, path)[0]
    return SettingsFile(path, credentials, named=named, wrote=wrote)


def file_sections(file: SettingsFile, ctx: ShellContext) -> dict[str, dict[str, str]] | Unreadable:
    """The sections of ``file`` as the line leaves it (empty when there is none)."""
    if file.path is None:
        return Unreadable(f"{file.what}: where it is is decided at run time")
    text = one_text_on_line(file.path, ctx, limit=_FILE_LIMIT)
    if text is None:
        if file.wrote:
            return Unreadable(f"{file.what} is changed on the line in a way not known")
        if ctx.files.exists(file.path) or ctx.files.is_dir(file.path):
            return Unreadable(f"{file.what} cannot be read")
        return {}  # botocore's ConfigNotFound: no settings at all
    parser = configparser.RawConfigParser()  # botocore's: strict, names lower-cased
    try:
        parser.read_string(text, source=file.path)
        return {name: _values(parser.items(name)) for name in parser.sections()}
    except (configparser.Error, ValueError) as exc:
        # The CLI refuses the file (ConfigParseError); keyturn's reading may differ from the
        # Python the CLI runs under, so what it holds is not told.
        reason = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
        return Unreadable(f"{file.what} cannot be parsed: {reason}")


def _values(items: list[tuple[str, str]]) -> dict[str, str]:
    """A section's values; an indented block (``s3 =`` then ``key = value`` lines) is a nested
    table to botocore, dropped here, but checked as botocore checks it (ValueError)."""
    out: dict[str, str] = {}
    for key, value in items:
        if value.startswith("\n"):
            if any(line.strip() and "=" not in line for line in value.splitlines()):
                raise ValueError(f"{key}: a nested value without '='")
            continue
        out[key] = value
    return out


def config_profiles(sections: Mapping[str, Section]) -> dict[str, Section]:
    """The profiles of a config file's sections (botocore's ``build_profile_map``: a later
    section of a profile replaces an earlier one)."""
    return {name: values for name, values in _named_profiles(sections)}


def _named_profiles(sections: Mapping[str, Section]) -> list[tuple[str, Section]]:
    """Each section of a config file that is a profile, with the profile's name, in order."""
    found: list[tuple[str, Section]] = []
    for name, values in sections.items():
        if name.startswith("profile"):
            try:
                parts = shlex.split(name)
            except ValueError:
                continue
            if len(parts) == 2:
                found.append((parts[1], values))
        elif name == "default":
            found.append((name, values))
    return found


def merged_profiles(
    config: Mapping[str, Section], credentials: Mapping[str, Section]
) -> dict[str, Section]:
    """The config file's profiles with the credentials file's merged over them."""
    merged: dict[str, Section] = dict(config)
    for name, values in credentials.items():
        merged[name] = {**merged.get(name, {}), **values}
    return merged


def read_profiles(
    cmd: SimpleCommand, ctx: ShellContext
) -> tuple[Profiles, tuple[SettingsFile, ...]]:
    """What the two files say, and those of them that could not be read (taken as empty).

    One command asks several times (its target under each profile order, its settings): the
    last answers are kept for the very ``cmd`` and ``ctx`` objects they were read for (held
    here, so their ids cannot be reused), never for equal ones of another call."""
    key = (id(cmd), id(ctx))
    kept = _READ.get(key)
    if kept is not None and kept[0] is cmd and kept[1] is ctx:
        return kept[2]
    found = _read_profiles(cmd, ctx)
    if len(_READ) >= _READ_KEPT:
        _READ.clear()
    _READ[key] = (cmd, ctx, found)
    return found


_READ_KEPT = 8
_READ: dict[
    tuple[int, int], tuple[SimpleCommand, ShellContext, tuple[Profiles, tuple[SettingsFile, ...]]]
] = {}


def _read_profiles(
    cmd: SimpleCommand, ctx: ShellContext
) -> tuple[Profiles, tuple[SettingsFile, ...]]:
    config, credentials = settings_files(cmd, ctx)
    unread: list[SettingsFile] = []
    found: list[Mapping[str, Section]] = []
    for file in (config, credentials):
        sections = file_sections(file, ctx)
        if isinstance(sections, Unreadable):
            unread.append(file)
            sections = {}
        found.append(sections)
    profiles = merged_profiles(config_profiles(found[0]), found[1])
    every: dict[str, tuple[Section, ...]] = {}
    for name, values in [*_named_profiles(found[0]), *found[1].items()]:
        every[name] = (*every.get(name, ()), values)
    return Profiles(profiles, found[0], every), tuple(unread)


def profile_chain(profiles: Mapping[str, Section], profile: str) -> list[str]:
    """``profile`` and the profiles it takes its credentials from (``source_profile``), in
    order, each once."""
    chain: list[str] = []
    name: str | None = profile
    while name is not None and name not in chain:
        chain.append(name)
        name = profiles.get(name, {}).get("source_profile", "").strip() or None
    return chain
