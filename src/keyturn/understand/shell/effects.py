"""Building shell effects: names for files and commands, and the built-in catastrophic set.

Resource names (BRIEF §4.2): files ``file:/absolute/path`` (``file:/path/*`` stands for
everything under a directory); a command that touches no named resource, or is not understood,
is named ``shell:<command text>``.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand._hcl_protection import is_terraform_file
from keyturn.understand.shell.paths import keeps_run_time_climb, normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve
from keyturn.understand.shell.wrappers import STDIN_WORD

MAX_NAME = 200
# The files under /dev that are no disk: streams, terminals, bash's network pseudo-files, and
# devices that hold no filesystem (a GPU, a sound card, FUSE, KVM, a serial port). Any other
# name there is, or may be, a disk or a partition: LVM's /dev/VG/LV, /dev/block/8:0, zvols,
# RBD, DRBD, bcache, pmem, /dev/sg0, FreeBSD's /dev/ada0 -- names too many to list.
_NOT_DISKS = re.compile(
    r"/dev/(?:null|zero|full|u?random|stdin|stdout|stderr|console|ptmx|log|kmsg|tty[^/]*"
    r"|(?:pts|fd|shm|mqueue|hugepages|snd|dri|input|vfio|bus/usb|serial|usb|net|accel"
    r"|infiniband|nvidia-caps|sgx)(?:/.*)?|tcp/.+|udp/.+|cu\.[^/]+|fuse|cuse|kvm|vsock"
    r"|vhost-[^/]+|nvidia[^/]*|kfd|dxg|video\d*|media\d*|hidraw\d*|uinput|uhid|rtc\d*|lp\d*"
    r"|dsp\d*|audio\d*|mixer\d*|gpiochip\d+|i2c-\d+|spidev[\d.]+|tpm(?:rm)?\d+|hwrng"
    r"|userfaultfd|ppp|loop-control|autofs|cpu_dma_latency|sgx_[^/]+)"
)


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


# Files whose writing takes the machine down at once, whatever is written.
_MACHINE_KILLERS = {
    "/proc/sysrq-trigger": "reboots, crashes or halts the kernel at once",
    "/dev/mem": "overwrites physical memory",
    "/dev/kmem": "overwrites kernel memory",
    "/dev/port": "writes hardware I/O ports",
}


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


def is_block_device(path: str) -> bool:
    """A disk or a partition, or a device that may be one: writing it destroys a filesystem.
    Anything under ``/dev`` but what is known to be no disk (:data:`_NOT_DISKS`)."""
    return path.startswith("/dev/") and len(path) > 5 and not _NOT_DISKS.fullmatch(path)


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


# --- what the machine cannot run without, by every name an effect has -------------------------

# The dynamic loaders and the C library: every dynamically linked program execs through them, so
# a change of one (``chmod 000``, ``rm``, ``ln -sf /dev/null``) stops every program on the host
# at once, root's too (exec needs an x bit even for root).
_LIBRARY_DIR = r"/(?:usr/)?lib(?:32|64|x32)?(?:/[a-z0-9_]+-linux-[a-z0-9_]+)?"
_MACHINE_FILES = re.compile(
    rf"{_LIBRARY_DIR}/(?:ld-linux[^/]*\.so(?:\.\d+)*|ld64\.so(?:\.\d+)*|ld-musl-[^/]+\.so(?:\.\d+)*"
    r"|libc\.so\.\d+|libc-[\d.]+\.so)|/usr/lib/dyld"
)
# Directories whose removal leaves a host that does not run or boot, beyond the system
# directories the policy's built-ins know: Debian's multiarch library folders (libc and every
# shared library), the kernel's modules, the boot loader's files and the kernel images.
_MACHINE_DIRS = re.compile(
    r"/(?:usr/)?lib(?:32|64|x32)?/[a-z0-9_]+-linux-[a-z0-9_]+|/(?:usr/)?lib/modules"
    r"|/boot/(?:grub2?|loader|(?:vmlinuz|initrd|initramfs)[^/]*)"
)
# What a glob is tried against (``rm -rf /usr/lib/x86_64*``, ``rm /lib64/ld-*``).
_MACHINE_EXAMPLES = (
    *("/lib64/ld-linux-x86-64.so.2", "/lib/ld-linux-aarch64.so.1", "/lib/ld-musl-x86_64.so.1"),
    *("/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libc.so.6"),
    *("/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"),
    *("/lib/aarch64-linux-gnu", "/lib/modules", "/usr/lib/modules", "/boot/grub"),
    "/boot/grub2",
)
# System directories whose own mode or owner decides whether programs and services can read
# them: ``chmod 000 /etc`` stops every service that does not run as root.
_SYSTEM_DIRS = re.compile(
    r"/|/(?:bin|sbin|lib|lib32|lib64|libx32|usr|etc|var|run|tmp|dev|boot|root|home|proc|sys|opt"
    r"|srv)|/usr/(?:bin|sbin|lib|lib64|libexec|local|local/bin|local/lib|share)"
    r"|/var/(?:lib|log|run|tmp|cache|spool)|/private/(?:etc|var|tmp)|/(?:Library|System|Users)"
    rf"|{_LIBRARY_DIR}"
)
# Commands that change a file's mode or owner (and ``touch``, its times), never what it holds.
_MODE_OR_OWNER = frozenset({"chmod", "chown", "chgrp", "chattr", "setfacl"})
_METADATA_ONLY = _MODE_OR_OWNER | {"touch"}
# Commands whose ``delete`` writes over the file first: through a link to a disk, the disk.
_OVERWRITING_DELETES = frozenset({"shred", "wipe", "srm", "scrub"})
_CHANGES = frozenset({EffectKind.CREATE, EffectKind.UPDATE, EffectKind.REPLACE, EffectKind.DELETE})
_GLOB_CHARS = re.compile(r"[*?\[]")


def with_machine_targets(effects: Iterable[Effect]) -> list[Effect]:
    """``effects`` judged again by every name each one has, after the links on its paths were
    followed (:func:`keyturn.understand.links.with_link_targets` names where they lead only
    after the handlers judged the path as written): writing through ``disk -> /dev/sda`` or
    ``trig -> /proc/sysrq-trigger`` is the write of the disk or of the trigger, and catastrophic
    like the plain spelling; so is any change of the dynamic loader or the C library, and a
    delete or replace of the folders the host cannot run or boot without. A change of the mode
    or owner of a system directory itself (``chmod 000 /etc``) is ``unknown``."""
    return [_judged_by_every_name(effect) for effect in effects]


def _judged_by_every_name(effect: Effect) -> Effect:
    if effect.catastrophic or effect.effect not in _CHANGES:
        return effect
    paths = [n[5:] for n in effect.resource.names if n.startswith("file:/")]
    socket = next((p for p in paths if p.startswith(("/dev/tcp/", "/dev/udp/"))), None)
    if socket is not None:
        # bash opens a connection for these names (``> /dev/tcp/HOST/PORT``, a reverse shell's
        # ``>& /dev/tcp/…``): what is sent, and to whom, is not a file's change -- as ``nc``.
        host, _, port = socket[len("/dev/tcp/") :].partition("/")
        note = f"bash sends it over the network to {host}:{port}, which keyturn does not judge"
        detail = f"{effect.detail}; {note}" if effect.detail else note
        return evolve(effect, effect=EffectKind.UNKNOWN, detail=detail)
    for path in paths:
        why = _machine_reason(path, effect)
        if why is not None:
            return evolve(effect, catastrophic=why)
    if effect.operation in _MODE_OR_OWNER and effect.effect is EffectKind.UPDATE:
        system = next((p for p in paths if _SYSTEM_DIRS.fullmatch(p.rstrip("/") or "/")), None)
        if system is not None:
            note = (
                f"changes the mode or owner of the system directory {system} itself: with a mode"
                " that shuts readers out, every program or service that needs it stops"
            )
            detail = f"{effect.detail}; {note}" if effect.detail else note
            return evolve(effect, effect=EffectKind.UNKNOWN, detail=detail)
    return effect


def _machine_reason(path: str, effect: Effect) -> str | None:
    """Why changing ``path`` as ``effect`` does takes the machine down, or ``None``."""
    kind, operation = effect.effect, effect.operation or ""
    writes = (kind is not EffectKind.DELETE and operation not in _METADATA_ONLY) or (
        operation in _OVERWRITING_DELETES
    )
    if writes and path in _MACHINE_KILLERS:
        return f"writes {path}: {_MACHINE_KILLERS[path]}"
    device = path.removesuffix("/*")  # ``ln -s /dev/sda x`` names the target's tree too
    if writes and is_block_device(device):
        return f"writes the block device {device} (or a device that may be one)"
    if _names_machine(path, _MACHINE_FILES):
        return f"changes {path}: every dynamically linked program on the host stops"
    removes = kind in (EffectKind.DELETE, EffectKind.REPLACE)
    if removes and _names_machine(path.removesuffix("/*").rstrip("/"), _MACHINE_DIRS):
        return f"{kind.value} of {path}: the host no longer runs or boots without it"
    return None


def _names_machine(path: str, pattern: re.Pattern[str]) -> bool:
    """Whether ``path`` (or, a glob, one of the places it may name: matched a component at a
    time, as the shell expands it) matches ``pattern``."""
    if pattern.fullmatch(path):
        return True
    if _GLOB_CHARS.search(path) is None:
        return False
    parts = path.split("/")
    return any(
        len(example.split("/")) == len(parts)
        and all(map(fnmatch.fnmatchcase, example.split("/"), parts))
        for example in _MACHINE_EXAMPLES
        if pattern.fullmatch(example)
    )
