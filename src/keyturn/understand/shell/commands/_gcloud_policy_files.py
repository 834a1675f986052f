"""Whole IAM policies and ACLs set from a file: read, and judged as opening the resource to the
world when they let ``allUsers`` or ``allAuthenticatedUsers`` in (:mod:`._gcloud_public`).

The forms (as ``gcloud … --help`` of gcloud 528 and ``gsutil help`` give them):

- ``gcloud GROUP… set-iam-policy RESOURCE… POLICY_FILE`` (any group: ``projects``,
  ``storage buckets``, ``run services``…; the file is the last positional, a JSON or YAML
  ``Policy``): the file replaces the whole policy, so a binding of the world in it grants it.
- ``gcloud storage buckets|objects update --acl-file=F`` / ``--default-object-acl-file=F``.
- ``gsutil iam set [-afRr] [-e ETAG] FILE URL…`` (JSON).
- ``gsutil acl|defacl set [-fRra] FILE_OR_CANNED URL…``: gsutil reads a file of that name when
  one exists (``os.path.isfile`` first), else takes the word as a predefined ACL
  (``private``, ``public-read``…, judged in :mod:`._gcloud_public`); a JSON or XML ACL.

What is looked for: a word ``allUsers``/``allAuthenticatedUsers`` (any case, ``_`` or ``-``
inside; XML's ``<AllUsers/>``) standing alone -- in the text as written, in every string of the
parsed JSON or YAML (escapes such as ``\\u0061llUsers`` decoded), and in the text with XML
character references decoded. ``group:allusers@example.com`` is a group, not the world.

Fail closed: a file not at hand (missing, rewritten on the line in a way not known, ``-``, a
name decided at run time), or one that neither JSON nor YAML reads (and that shows no public
member as written), is a judgement not made -- the caller holds the call as unknown about
exposure on what it names, besides the update it is.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from keyturn.understand.shell.commands._az_gcloud_words import Flags
from keyturn.understand.shell.commands._gcloud_networks import authorized_networks
from keyturn.understand.shell.effects import home_path
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_LIMIT = 1_000_000
# The world as an IAM member or an ACL entity, standing alone (not inside an e-mail or a name).
_PUBLIC = re.compile(r"(?i)(?<![\w@.:+-])all[_-]?(?:authenticated[_-]?)?users(?![\w@.+-])")
# gsutil's predefined ACLs (boto's ``canned_acls``): the word names one when no file does.
_CANNED = frozenset(
    {"private", "project-private", "public-read", "public-read-write", "authenticated-read"}
    | {"bucket-owner-read", "bucket-owner-full-control"}
)
_ACL_FILE_FLAGS = ("acl-file", "default-object-acl-file")


@dataclass(frozen=True)
class FileJudgement:
    """What a policy or ACL file does: ``public`` says why it opens the resource to the world;
    ``unknown`` why that cannot be told (both None: it does not)."""

    public: str | None = None
    unknown: str | None = None


def judge_policy_file(
    path: str, *, what: str, cmd: SimpleCommand, ctx: ShellContext
) -> FileJudgement:
    """Read the policy or ACL file ``path`` (``what``: how the line gives it, for the detail)."""
    if not path or path == "-" or decided_at_run_time(path, cmd):
        return FileJudgement(unknown=f"{what}: which file is decided at run time")
    text = one_text_on_line(home_path(path, ctx), ctx, limit=_LIMIT)
    if text is None:
        return FileJudgement(
            unknown=f"{what} {path}: the file is not at hand, whether it lets anyone on the"
            " internet in is not known"
        )
    found = public_member(text)
    if found:
        return FileJudgement(public=f"{what} {path}: grants {found}, anyone on the internet")
    if found is None:
        return FileJudgement(
            unknown=f"{what} {path}: not JSON or YAML as read here, whether it lets anyone on"
            " the internet in is not known"
        )
    return FileJudgement()


def public_member(text: str) -> str | None:
    """The public member the policy or ACL text names; ``""`` when it names none; None when the
    text is not read well enough to tell."""
    for shown in (text, html.unescape(text)):
        found = _PUBLIC.search(shown)
        if found:
            return found.group(0)
    document = _parsed(text)
    if document is _UNREAD:
        return None
    for string in _strings(document):
        if string is None:
            return None  # a value neither text nor number (a binary, a date): not told
        found = _PUBLIC.search(string)
        if found:
            return found.group(0)
    return ""


_UNREAD = object()


def _parsed(text: str) -> Any:
    """The JSON (else YAML) document, or ``_UNREAD``."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        pass
    import yaml

    from keyturn.yaml_limits import load

    try:
        return load(text)
    except (yaml.YAMLError, RecursionError, ValueError):
        return _UNREAD


# How many keys and values of a policy document are looked at: YAML's aliases let a file of a
# few hundred bytes stand for billions of them (a list of aliases of a list of aliases...).
_MAX_NODES = 100_000


def _strings(document: Any) -> Iterator[str | None]:
    """Every key and scalar of ``document`` as text; None for one that is not plain data, and
    once the document is too deep or too large to look through (it is then not told)."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > 64 or seen > _MAX_NODES:
            yield None
            return
        if isinstance(node, dict):
            for key, value in node.items():
                stack += [(value, depth + 1), (key, depth + 1)]
        elif isinstance(node, list):
            stack += [(item, depth + 1) for item in reversed(node)]
        elif isinstance(node, str):
            yield node
        elif node is None or isinstance(node, (bool, int, float)):
            yield str(node)
        else:
            yield None


def decided_at_run_time(value: str, cmd: SimpleCommand) -> bool:
    """Whether ``value`` comes (even in part) from a word decided at run time."""
    words = [cmd.argv[i] for i in cmd.dynamic_words if 0 < i < len(cmd.argv)]
    return any(word and (value in word or word in value) for word in words)


def gcloud_policy_files(
    verb: str, names: Sequence[str], flags: Flags, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[list[str], list[FileJudgement]]:
    """The resources a gcloud call names (``set-iam-policy``'s policy file left out: it is not
    one, nor a list of networks: :mod:`._gcloud_networks`) and what its policy and ACL files
    and the networks it lets in do."""
    judged: list[FileJudgement] = []
    out, networks = authorized_networks(names, cmd.args)
    if networks:
        judged.append(FileJudgement(public=networks))
    if verb == "set-iam-policy":
        if len(out) >= 2:
            path, out = out[-1], out[:-1]
            judged.append(judge_policy_file(path, what="POLICY_FILE", cmd=cmd, ctx=ctx))
        else:  # gcloud wants RESOURCE and POLICY_FILE: which is which is not told
            judged.append(FileJudgement(unknown="set-iam-policy: the policy file is not told"))
    for flag in _ACL_FILE_FLAGS:
        for path in flags.get(flag, []):
            judged.append(judge_policy_file(path, what=f"--{flag}", cmd=cmd, ctx=ctx))
    return out, judged


def gsutil_policy_file(
    verb: str, rest: Sequence[str], cmd: SimpleCommand, ctx: ShellContext
) -> FileJudgement | None:
    """What the file of ``gsutil iam set`` or ``acl|defacl set`` does; None for other calls (and
    for a predefined ACL, judged by its name)."""
    if verb not in ("iam", "acl", "defacl") or rest[:1] != ["set"]:
        return None
    operands: list[str] = []
    skip = False
    for word in rest[1:]:
        if skip:
            skip = False
        elif verb == "iam" and word == "-e":
            skip = True  # the etag
        elif not word.startswith("-") or word == "-":
            operands.append(word)
    if not operands:
        return FileJudgement(unknown=f"gsutil {verb} set: the file is not told")
    given = operands[0]
    what = f"gsutil {verb} set"
    if verb == "iam":
        return judge_policy_file(given, what=what, cmd=cmd, ctx=ctx)
    # ``acl set WORD``: a file of that name if there is one, else a predefined ACL.
    path = home_path(given, ctx)
    if decided_at_run_time(given, cmd) or one_text_on_line(path, ctx, limit=_LIMIT) is not None:
        return judge_policy_file(given, what=what, cmd=cmd, ctx=ctx)
    rewritten = bool(ctx.written) and written_text(ctx.written, path)[0]
    if given in _CANNED and not rewritten:
        return None
    return judge_policy_file(given, what=what, cmd=cmd, ctx=ctx)
