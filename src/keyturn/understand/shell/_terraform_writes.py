"""A command's write or delete of a Terraform file that switches a resource's protection off.

The agents' file tools judge a Terraform file that loses ``prevent_destroy = true`` as
switching that resource's protection off (:mod:`keyturn.integrations.hooks.file_tools`); the
same change made through the shell -- ``sed -i``, a redirect, ``cp /dev/null``, ``truncate``,
``rm``, ``mv`` -- is judged alike here: every ``file:`` effect that changes a ``.tf``,
``.tf.json``, ``.tofu`` or ``.tofu.json`` file whose text (on disk, or as the line wrote it
before) protects resources names their addresses too and carries ``removes_protection``, unless
the text the command leaves is known (a redirect of ``echo``, ``printf``, a heredoc) and still
protects them. A new text that is not known protects nothing (fail closed). A write (not a
delete) also names what it takes away from the module's *other* files: an override file's
``prevent_destroy``, or the ``.tf`` file a ``.tofu`` of the same name hides
(:func:`~keyturn.understand._hcl_protection.dropped_elsewhere`): ``cat > override.tf``,
``cp x main.tofu``.

Only Terraform files are read, so this costs nothing for the others; a change of a file's mode,
owner or times, and ``terraform fmt``, which keeps the meaning, leave the protection as it is.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand._hcl_protection import (
    TERRAFORM_READ_LIMIT,
    dropped_elsewhere,
    dropped_protection,
    is_terraform_file,
    protection_detail,
)
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve

# Commands that change a file's mode, owner or times, never its text.
_METADATA_ONLY = frozenset({"chmod", "chown", "chgrp", "chattr", "setfacl", "touch"})
_TERRAFORM = frozenset({"terraform", "tofu"})


def touches_terraform_file(kind: EffectKind, paths: list[str]) -> bool:
    """Whether an effect of ``kind`` on ``paths`` may change a Terraform file (cheap)."""
    return kind is not EffectKind.READ and any(is_terraform_file(p) for p in paths)


def with_dropped_protection(
    effect: Effect, cmd: SimpleCommand, ctx: ShellContext, *, text: str | None, appends: bool
) -> Effect:
    """``effect`` (a change of Terraform files), naming the resources whose protection it
    drops and marked so. ``text``: what the command writes to the one file it names, when
    known; ``appends``: it is added at the end of what is there."""
    if cmd.name in _METADATA_ONLY or (cmd.name in _TERRAFORM and "fmt" in cmd.args):
        return effect
    paths = [n[len("file:") :] for n in effect.resource.names if n.startswith("file:")]
    known = text if len(paths) == 1 else None
    dropped: set[str] = set()
    for path in paths:
        if not is_terraform_file(path):
            continue
        befores = _texts_before(path, ctx)
        for before in befores:
            after = None if known is None else before + known if appends else known
            dropped |= dropped_protection(path, before, after)
        if effect.effect is not EffectKind.DELETE:
            # What the file comes to hold may take away another file's protection: an
            # override file's ``prevent_destroy``, a ``.tofu`` file hiding its ``.tf``.
            for after in _afters(befores, known, appends=appends):
                dropped |= dropped_elsewhere(path, after, ctx.files)
    if not dropped:
        return effect
    names = (*effect.resource.names, *sorted(a for a in dropped if a))
    what = protection_detail(dropped, known=known is not None)
    return evolve(
        effect,
        resource=Resource(tuple(dict.fromkeys(names)), type=effect.resource.type),
        removes_protection=True,
        detail=f"{effect.detail}; {what}" if effect.detail else what,
    )


def _afters(befores: list[str], known: str | None, *, appends: bool) -> list[str | None]:
    """What a file written with ``known`` (``None``: not known) comes to hold, once for each
    text it may hold before (an append to a file not there makes it ``known``)."""
    if known is None:
        return [None]
    if not appends:
        return [known]
    return [before + known for before in befores] or [known]


def _texts_before(path: str, ctx: ShellContext) -> list[str]:
    """What the file may hold when the command runs: the disk's text, and the text an earlier
    command on the line wrote there (it may or may not have run)."""
    texts = []
    disk = ctx.files.read_text(path, limit=TERRAFORM_READ_LIMIT)
    if disk is not None:
        texts.append(disk)
    if ctx.written:
        wrote, line_text = written_text(ctx.written, path)
        if wrote and line_text is not None:
            texts.append(line_text)
    return texts
