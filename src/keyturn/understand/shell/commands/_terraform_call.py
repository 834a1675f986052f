"""One terraform/tofu invocation as terraform reads its words: ``-chdir``, the options (Go's
flag package: ``-name=value``, or ``-name value`` for those that take one; one dash or two),
``TF_CLI_ARGS`` and ``TF_CLI_ARGS_<command>`` put before the line's own arguments, and the
workspace (``TF_WORKSPACE``, else one the line selected, else the one ``terraform workspace
select`` left in the data directory). :mod:`.terraform_cli` says what each subcommand means."""

from __future__ import annotations

import shlex

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._terraform_files import Invocation
from keyturn.understand.shell.dispatch import RUN_TIME_HINT
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.understand.terraform._addresses import canonical_address
from keyturn.understand.terraform._names import address_names

__all__ = ["TerraformCall", "absolute", "decided_at_run_time", "text_on_line"]

_E = EffectKind
# Options of any terraform command that take a value, which Go's flag package also reads from
# the next word (``-target ADDR``); the others are booleans (``-destroy``, ``-auto-approve``).
_VALUED = frozenset(
    {"target", "replace", "exclude", "var", "var-file", "state", "state-out", "backup"}
    | {"backup-out", "lock-timeout", "parallelism", "out", "generate-config-out", "config"}
    | {"provider", "backend-config", "from-module", "plugin-dir", "lockfile", "test-directory"}
    | {"filter", "junit-xml", "type", "module-depth", "platform", "fs-mirror", "net-mirror"}
    | {"cloud-run", "target-file", "exclude-file"}
)
# Subcommands whose first word names the command terraform runs (``workspace select``).
_NESTED = frozenset({"state", "workspace", "providers", "metadata"})
_MAX_WORKSPACE = 256


class TerraformCall:
    """One terraform/tofu invocation: its words, flags, workspace and directory."""

    def __init__(self, cmd: SimpleCommand, ctx: ShellContext) -> None:
        self.cmd, self.ctx, self.tool = cmd, ctx, cmd.name
        args = list(cmd.args)
        self.cwd = ctx.cwd
        while args and args[0].startswith("-chdir="):
            self.cwd = absolute(args.pop(0).partition("=")[2], ctx)
        self.sub = args[0] if args else ""
        # TF_CLI_ARGS_<command>, then TF_CLI_ARGS, go right after the command's words (``state
        # rm``), before the line's own arguments: where terraform puts them.
        nested = 2 if self.sub in _NESTED and args[1:2] and not args[1].startswith("-") else 1
        command_name = "_".join(["TF_CLI_ARGS", *args[:nested]]).replace("-", "_")
        extra: list[str] = []
        self.dynamic_args: list[str] = []
        for name in ("TF_CLI_ARGS", command_name):
            value = self._env(name)
            if decided_at_run_time(value):
                self.dynamic_args.append(name)
            elif value.strip():
                extra[:0] = _split(value)
        self.flags, self.words = _parse([*args[1:nested], *extra, *args[nested:]])
        workspace = self._env("TF_WORKSPACE") or ctx.target.terraform_workspace
        workspace = workspace or self._selected_workspace()
        self.target = Target(terraform_workspace=workspace).merged_over(ctx.target)
        self.workspace = workspace or "default"

    def _env(self, name: str) -> str:
        return self.cmd.assignments.get(name) or self.ctx.env.get(name) or ""

    def _selected_workspace(self) -> str | None:
        """The workspace ``terraform workspace select`` left in the data directory."""
        data_dir = absolute(self._env("TF_DATA_DIR") or ".terraform", self.ctx, cwd=self.cwd)
        text, rewritten = text_on_line(f"{data_dir}/environment", self.ctx, limit=_MAX_WORKSPACE)
        if rewritten:
            # ``echo prod > .terraform/environment && terraform destroy``: which workspace the
            # line leaves selected is not known (the write may not run).
            return RUN_TIME_HINT
        return (text.strip() or None) if text else None

    def flag(self, name: str) -> bool:
        return any(f == name or f.startswith(name + "=") for f in self.flags)

    def values(self, name: str) -> list[str]:
        return [f.partition("=")[2] for f in self.flags if f.startswith(name + "=")]

    def effect(self, kind: EffectKind, names: tuple[str, ...], detail: str) -> Effect:
        return Effect(
            kind,
            Resource(tuple(dict.fromkeys(names)), "terraform"),
            self.target,
            "terraform",
            command=self.cmd.text or None,
            operation=f"{self.tool} {self.sub}".strip(),
            detail=f"{detail}; directory {self.cwd}",
        )

    @property
    def workspace_names(self) -> tuple[str, ...]:
        return (f"terraform:workspace/{self.workspace}", f"terraform:dir:{self.cwd}")

    def invocation(self) -> Invocation:
        """This call as :mod:`._terraform_files` reads it."""
        return Invocation(
            cmd=self.cmd,
            ctx=self.ctx,
            sub=self.sub,
            words=tuple(self.words),
            values=self.values,
            flag=self.flag,
            absolute=lambda path: absolute(path, self.ctx, cwd=self.cwd),
            cwd=self.cwd,
        )

    def addressed(
        self, kind: EffectKind, addresses: list[str], detail: str, *, extra: tuple[str, ...] = ()
    ) -> list[Effect]:
        """One effect on the addresses terraform reads from ``addresses`` (named as it prints
        them, and their resources), and an unknown for each it does not read as an address."""
        names, unread = _instance_names(addresses)
        out = [self.effect(kind, (*names, *extra), detail)] if names or not unread else []
        for raw in unread:
            reason = (
                f"{raw!r} is not an address as terraform reads one (it refuses it, or reads "
                "it in a way not told here)"
            )
            out.append(self.effect(_E.UNKNOWN, (raw[:200], *self.workspace_names), reason))
        return out


def _parse(words: list[str]) -> tuple[list[str], list[str]]:
    """Flags (``name`` or ``name=value``, dashes off) and the other words, as Go's flag package
    reads them: ``-name value`` for an option that takes one, ``--name`` as ``-name``."""
    flags: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            rest.extend(words[i + 1 :])
            break
        if word.startswith("-") and word != "-":
            flag = word.lstrip("-")
            if "=" not in flag and flag in _VALUED and i + 1 < len(words):
                i += 1
                flag += "=" + words[i]
            flags.append(flag)
        else:
            rest.append(word)
        i += 1
    return flags, rest


def decided_at_run_time(value: str) -> bool:
    """Whether a value (a workspace, ``TF_CLI_ARGS``) is only known when the line runs."""
    return value == RUN_TIME_HINT or "$" in value or "`" in value


def text_on_line(path: str, ctx: ShellContext, *, limit: int) -> tuple[str | None, bool]:
    """The text of ``path`` as the line leaves it (:func:`one_text_on_line`), and whether the
    line changed it in a way not known (the text is then None)."""
    from keyturn.understand.shell.line_writes import one_text_on_line, written_text

    text = one_text_on_line(path, ctx, limit=limit)
    rewritten = text is None and bool(ctx.written) and written_text(ctx.written, path)[0]
    return text, rewritten


def _instance_names(addresses: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """The addresses as terraform prints them, each followed by its resource's when it names an
    instance; and those terraform does not read as an address."""
    names: list[str] = []
    unread: list[str] = []
    for address in addresses:
        canonical = canonical_address(address)
        if canonical is None:
            unread.append(address)
        else:
            names.extend(address_names(canonical))
    return tuple(dict.fromkeys(names)), unread


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text, posix=True)
    except ValueError:  # unbalanced quotes: terraform would refuse; judge the words anyway
        return text.split()


def absolute(path: str, ctx: ShellContext, *, cwd: str | None = None) -> str:
    """``path`` made absolute from ``cwd`` (the ``-chdir`` directory) or the line's, ``~`` and
    ``..`` applied."""
    if path.startswith("~"):
        path = ctx.home.rstrip("/") + path[1:]
    if not path.startswith("/"):
        path = f"{(cwd or ctx.cwd).rstrip('/')}/{path}"
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/" + "/".join(parts)
