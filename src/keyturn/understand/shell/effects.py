"""Building shell effects: names for files and commands, and the built-in catastrophic set.

Resource names (BRIEF §4.2): files ``file:/absolute/path`` (``file:/path/*`` stands for
everything under a directory); a command that touches no named resource, or is not understood,
is named ``shell:<command text>``.

What takes the machine down (block devices, the files whose writing crashes the kernel, the
loaders and folders a host cannot run without: :func:`with_machine_targets`) is in
:mod:`._machine_files`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand._hcl_protection import is_terraform_file
from keyturn.understand.shell._machine_files import _MACHINE_KILLERS
from keyturn.understand.shell._machine_files import is_block_device as is_block_device
from keyturn.understand.shell._machine_files import (
    with_machine_targets as with_machine_targets,
)
from keyturn.understand.shell.paths import keeps_run_time_climb, normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve
from keyturn.understand.shell.wrappers import STDIN_WORD

MAX_NAME = 200


def local_target(ctx: ShellContext) -> Target:
    """The target of an effect on the machine the command runs on: only the environment given
    outright counts. Cloud hints (``AWS_PROFILE=dev``) say nothing about local files, and must
    not let a prefix move a local delete into a laxer environment."""
    return Target(environment=ctx.target.environment)


def shell_name(text: str) -> str:
    """``shell:<text>``, bounded, for commands that touch no named resource."""
    return "shell:" + (" ".join(text.split())[:MAX_NAME] or "?")


def unknown_effect(
    cmd: SimpleCommand | None, reason: str, ctx: ShellContext, text: str = ""
) -> Effect:
    """An effect keyturn cannot judge: at least ``ask`` under any policy."""
    shown = cmd.text if cmd is not None and cmd.text else text
    return Effect(
        effect=EffectKind.UNKNOWN,
        resource=Resource((shell_name(shown),), type="command"),
        target=local_target(ctx),
        service="shell",
        command=cmd.text if cmd is not None else None,
        operation=cmd.name if cmd is not None and cmd.name else None,
        detail=reason,
    )


def changes_unknown(
    effects: Sequence[Effect], reason: str, *, keep_reads: bool = True, reach: Sequence[str] = ()
) -> list[Effect]:
    """``effects`` with every change ``unknown`` for ``reason`` (told once in its detail) and
    also named ``reach``; with ``keep_reads``, a read as it is (an operation that only reads
    does so whatever a word decided at run time adds to it). What a cloud CLI's call becomes
    when such a word may stand for options (the AWS CLI's, az's, gcloud's and gsutil's)."""
    out: list[Effect] = []
    for e in effects:
        if keep_reads and e.effect is EffectKind.READ:
            out.append(e)
            continue
        detail = e.detail if reason in e.detail else "; ".join(d for d in (e.detail, reason) if d)
        names = tuple(dict.fromkeys((*e.resource.names, *reach)))
        resource = e.resource if names == e.resource.names else Resource(names, e.resource.type)
        out.append(replace(e, effect=EffectKind.UNKNOWN, detail=detail, resource=resource))
    return out


def command_effect(
    kind: EffectKind, cmd: SimpleCommand, ctx: ShellContext, *, detail: str = ""
) -> Effect:
    """An effect on the command itself (``echo``, ``date``): no other resource is named."""
    return Effect(
        effect=kind,
        resource=Resource((shell_name(cmd.name),), type="command"),
        target=local_target(ctx),
        service="shell",
        command=cmd.text,
        operation=cmd.name,
        detail=detail,
    )


def file_path(path: str, ctx: ShellContext) -> str:
    """An absolute path for a path word (relative to the working directory). A ``..`` after a
    symbolic link on disk climbs from where the link leads, as the kernel does: with ``lnk ->
    /srv/prod/sub``, ``rm -rf lnk/../db`` deletes ``/srv/prod/db``, not ``./db``."""
    normal = normalize_path(path, cwd=ctx.cwd)
    if ".." not in path or "$" in path or ctx.disk_stale:
        return normal
    from keyturn.understand import NoFiles

    if isinstance(ctx.files, NoFiles):
        return normal
    from keyturn.understand.links import climbed_on_disk

    full = path if path.startswith("/") else f"{ctx.cwd.rstrip('/')}/{path}"
    return climbed_on_disk(full, ctx.files) or normal


# Names of what belongs to the machine a command runs on: its files, databases, services,
# processes, containers... (cloud and cluster resources are the same from anywhere).
MACHINE_LOCAL = (
    *("file:", "db:", "service:", "host:", "process:", "cron:", "firewall:", "shell:", "git:"),
    *("docker:", "terraform:dir:", "pulumi:dir:", "env:", "ssh:", "ansible:"),
)


def named_in(effect: Effect, places: Sequence[str]) -> Effect:
    """``effect`` of a command that runs in ``places`` (outermost first: ``ssh:prod-1``,
    ``docker:container/db``, ``k8s:shop/pod/web-0``, ``ansible:web``), named there as well.

    ``docker exec db rm -rf /data`` removes the container's ``/data``: besides the name as on
    this machine (``file:/data``, kept: a pattern written for it still matches), the effect is
    named ``docker:container/db/file:/data``, so that a protection of that place
    (``docker:container/db/*``, ``ssh:prod-1/*``) holds for what runs inside it."""
    if not places:
        return effect
    prefix = "/".join(places) + "/"
    names = effect.resource.names
    extra = tuple(prefix + n for n in names if n.startswith(MACHINE_LOCAL))
    if not extra:
        return effect
    resource = Resource(names=tuple(dict.fromkeys(names + extra)), type=effect.resource.type)
    return evolve(effect, resource=resource)


def home_path(word: str, ctx: ShellContext) -> str:
    """:func:`file_path` for a word whose ``~`` the shell left alone (after ``=`` in an option,
    in quotes, in a URL's path): ``~`` and ``~/…`` start at the home directory."""
    if word == "~" or word.startswith("~/"):
        word = ctx.home.rstrip("/") + word[1:]
    return file_path(word, ctx)


def file_effect(
    kind: EffectKind,
    paths: Iterable[str],
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    detail: str = "",
    catastrophic: str | None = None,
    service: str = "file",
    run_time: bool | None = None,
    text: str | None = None,
    appends: bool = False,
) -> Effect:
    """One effect on the files ``paths`` (absolute already), named ``file:<path>``.

    A write, delete or replace of a path decided at run time (``rm -rf "$X"``, ``> $LOG``,
    xargs's arguments) is ``unknown``: the path could be ``/`` or climb out with ``..``, so where
    it lands cannot be told (a catastrophic one stays catastrophic). ``run_time`` says so
    outright; by default a path is run-time when it comes from a word the parser marked so.

    A change of a Terraform file whose resources lose ``prevent_destroy`` names them and
    switches their protection off (:mod:`._terraform_writes`): ``text`` is what the command
    writes to the one file, when known (added at the end with ``appends``); else its new text
    is not known, and what it protected counts as gone."""
    paths = list(paths)
    if run_time is None:
        run_time = any(_from_run_time_word(p, cmd) for p in paths)
    if kind in _WRITES and catastrophic is None and run_time:
        kind = EffectKind.UNKNOWN
        detail = (detail + "; " if detail else "") + "where it lands is decided at run time"
    names = tuple(dict.fromkeys("file:" + p for p in paths)) or ("file:?",)
    effect = Effect(
        effect=kind,
        resource=Resource(names, type="file"),
        target=local_target(ctx),
        service=service,
        command=cmd.text,
        operation=cmd.name,
        catastrophic=catastrophic,
        detail=detail,
    )
    if kind is EffectKind.READ or not any(is_terraform_file(p) for p in paths):
        return effect  # the usual case: nothing more is read
    from keyturn.understand.shell._terraform_writes import with_dropped_protection

    return with_dropped_protection(effect, cmd, ctx, text=text, appends=appends)


_WRITES = frozenset({EffectKind.UPDATE, EffectKind.DELETE, EffectKind.REPLACE})


def _from_run_time_word(path: str, cmd: SimpleCommand) -> bool:
    """Whether ``path`` holds a word of ``cmd`` decided at run time (a variable, a substitution,
    xargs's input) — quoted text such as ``'C:\\$x'`` is literal and does not count — or that
    climbs with ``..`` out of such a part (``<cwd>/$X/../f``: :func:`normalize_path` keeps it)."""
    if keeps_run_time_climb(path):
        return True
    for index in cmd.dynamic_words:
        if 0 < index < len(cmd.argv):
            word = cmd.argv[index].replace("\\", "/").rstrip("/")
            if any(w and (w in path or w.lstrip("./") in path) for w in as_normalised(word)):
                return True
    return STDIN_WORD in path


_SLASHES = re.compile(r"/(?:\.?/)+")


def as_normalised(text: str) -> tuple[str, ...]:
    """``text`` (a word decided at run time), and the same with the ``//`` and ``/./`` a path's
    normalisation collapses (``${x//a/b}``, ``$(dirname //x)``): the name it ends up in holds
    that form, and a word not found in it would pass for a known path."""
    collapsed = _SLASHES.sub("/", text)
    return (text,) if collapsed == text else (text, collapsed)


# Where tools are installed (see dispatch.foreign_program): the system's program directories
# and the places installers and version managers put them.
_INSTALL_DIRS = (
    *("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local", "/opt", "/nix", "/snap"),
    *("/usr/lib", "/usr/libexec", "/usr/share", "/home/linuxbrew/.linuxbrew"),
    *("/run/current-system/sw", "/Applications", "/Library", "/System"),
)
_HOME_TOOL_DIRS = (
    *(".local/bin", ".cargo/bin", "go/bin", ".nvm", ".pyenv", ".rbenv", ".tfenv", ".asdf"),
    *(".volta", ".bun/bin", ".deno/bin", ".krew/bin", ".linuxbrew", ".sdkman"),
    "google-cloud-sdk/bin",
)


def installed_folder(folder: str, *, home: str) -> bool:
    """Whether the absolute ``folder`` is one tools are installed in."""
    home = home.rstrip("/")
    installed = (*_INSTALL_DIRS, *(f"{home}/{d}" for d in _HOME_TOOL_DIRS if home))
    return any(folder == d or folder.startswith(d + "/") for d in installed)


def write_effect(
    path: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    detail: str = "",
    block_detail: str | None = None,
    appends: bool = False,
    text: str | None = None,
) -> Effect:
    """Writing the file ``path`` (absolute already): onto a block device it replaces a filesystem
    (catastrophic, with ``block_detail`` when given); otherwise an update when it appends or the
    file is there, else a create. ``text``: what is written, when known."""
    from keyturn.understand import NoFiles

    if path in _MACHINE_KILLERS:
        return file_effect(
            EffectKind.REPLACE,
            [path],
            cmd,
            ctx,
            detail=detail,
            catastrophic=f"writes {path}: {_MACHINE_KILLERS[path]}",
        )
    if is_block_device(path):
        return file_effect(
            EffectKind.REPLACE,
            [path],
            cmd,
            ctx,
            detail=detail if block_detail is None else block_detail,
            catastrophic=f"overwrites the block device {path}",
        )
    # Without file access we cannot tell whether the file exists; a truncating write over an
    # existing file is an update, so "create" is claimed only when the reader says it is absent.
    # Nor for a path decided at run time (``cp x "$D/../f"``): it may name any existing file,
    # and the update is then judged as the write of a place decided at run time it is.
    exists = (
        appends
        or isinstance(ctx.files, NoFiles)
        or _from_run_time_word(path, cmd)
        or ctx.files.exists(path)
    )
    kind = EffectKind.UPDATE if exists else EffectKind.CREATE
    return file_effect(kind, [path], cmd, ctx, detail=detail, text=text, appends=appends)


def directory_tree(path: str) -> list[str]:
    """A directory and everything under it (``path`` and ``path/*``; a ``D/*`` stays itself)."""
    if path.endswith("/*"):
        return [path]
    return [path, path.rstrip("/") + "/*"]


def removal_effect(
    path: str,
    cmd: SimpleCommand,
    ctx: ShellContext,
    *,
    recursive: bool,
    detail: str,
    service: str = "file",
) -> Effect:
    """Deleting ``path`` -- with ``recursive``, the directory and everything under it, which for
    ``/`` or a home directory is catastrophic (``rm -r``, ``git rm -r``, ``tar --remove-files``,
    compressing a tree in place)."""
    names = directory_tree(path) if recursive else [path]
    reason = home_or_root(path, home=ctx.home) if recursive else None
    return file_effect(
        EffectKind.DELETE, names, cmd, ctx, detail=detail, catastrophic=reason, service=service
    )


def home_or_root(path: str, *, home: str) -> str | None:
    """Why removing ``path`` recursively is catastrophic (``/``, a home directory, everything
    under them), or ``None``."""
    base = path[:-2] if path.endswith("/*") else path
    base = base.rstrip("/") or "/"
    if base == "/":
        return "removes the root filesystem"
    homes = {home.rstrip("/") or "/", "/root", "/home", "/Users"}
    if base in homes or re.fullmatch(r"/(home|Users)/[^/]+", base):
        return f"removes a home directory ({base})"
    return None


def also_without_aws_hints(effects: list[Effect], hinted: Target) -> list[Effect]:
    """Each change judged a second time without the AWS hints of the line or the environment,
    for tools whose AWS credentials those hints only default (terraform's and pulumi's
    providers may name their own profile or role, which keyturn does not read): judged both
    ways, ``AWS_PROFILE=prod`` makes such a command stricter, ``AWS_PROFILE=dev`` never laxer
    than without it."""
    if not (hinted.aws_profile or hinted.aws_account or hinted.aws_region):
        return effects
    bare = replace(hinted, aws_profile=None, aws_account=None, aws_region=None)
    note = "; judged also without the AWS hints (the provider may name its own profile)"
    twins = [
        evolve(e, target=bare, detail=e.detail + note)
        for e in effects
        if e.effect is not EffectKind.READ and e.target == hinted
    ]
    return effects + twins
