"""What terraform runs while it plans: the configuration's data sources that act when read.

Every command that plans -- ``plan`` (``-destroy`` and ``-refresh=false`` too: data sources
are read all the same), ``apply`` and ``destroy`` without a saved plan, ``refresh``,
``import``, ``console``, ``test`` -- reads the configuration's data sources whose arguments
are known then. Reading most of them reads; reading ``external`` runs its program on this
machine, ``http`` with a ``method`` other than ``GET`` sends that request, and so on
(:mod:`keyturn.understand.terraform._data_sources` lists them, with what each does). So
``terraform plan`` is no read when the configuration at hand holds one: it is ``unknown``,
named by the data source's address. A saved plan's JSON shows those read on apply; the ones
read while planning have acted before any plan exists, hence this reading of the files.

The configuration is the directory's ``.tf``/``.tf.json``/``.tofu``/``.tofu.json`` files and
its modules': those ``terraform init`` installed (``.terraform/modules/modules.json`` says
where each is), and local ones (``source = "./x"``) found from the ``module`` blocks. A data
block counts at the top level and in a ``check`` block (a scoped data source). A file the
line itself writes into a directory read here makes the configuration unknown. When the
configuration is not at hand (nothing to list), nothing is said: ``plan`` stays the read it
was, as keyturn cannot tell more than terraform's own files show.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass

from keyturn.understand._hcl_protection import TERRAFORM_SUFFIXES
from keyturn.understand._hcl_scan import Token, Unreadable, tokens
from keyturn.understand.shell.registry import ShellContext
from keyturn.understand.terraform._data_sources import ACTING_DATA_TYPES

__all__ = ["PLANNING_COMMANDS", "ActingRead", "acting_reads"]

PLANNING_COMMANDS = frozenset({"plan", "apply", "destroy", "refresh", "import", "console", "test"})
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A data source that acts only with a method other than a read, and its method by default.
_METHOD_DEFAULTS = {"http": "GET", "azapi_resource_action": "POST"}
_WHAT = {
    "external": "runs its program on this machine",
    "local_command": "runs its command on this machine",
    "shell_script": "runs its read script on this machine",
    "aws_lambda_invocation": "invokes a Lambda function",
    "aws_ecs_task_execution": "runs an ECS task",
    "azapi_resource_action": "calls an Azure resource action",
    "http": "sends an HTTP request that is no read",
    "helm_template": "runs its post-renderer on this machine",
}
_FILE_LIMIT = 4 << 20
_MAX_DIRS = 64  # module directories read for one command
_MAX_FILES = 512


@dataclass(frozen=True, slots=True)
class ActingRead:
    """A data source reading which acts (``address``: ``module.m.data.external.x``), or a
    configuration that cannot be told (``address`` empty, ``why`` says what)."""

    address: str
    why: str


def acting_reads(root: str, ctx: ShellContext) -> list[ActingRead]:
    """The acting data sources of the configuration in ``root`` and its modules."""
    found: list[ActingRead] = []
    dirs = _module_dirs(root, ctx)
    files_read = 0
    for prefix, directory in dirs:
        if _written_on_line(directory, ctx):
            found.append(ActingRead("", f"the line writes the configuration in {directory}"))
        names = ctx.files.list_dir(directory) or ()
        for name in names:
            if not name.endswith(TERRAFORM_SUFFIXES) or files_read >= _MAX_FILES:
                continue
            files_read += 1
            path = f"{directory.rstrip('/')}/{name}"
            text = ctx.files.read_text(path, limit=_FILE_LIMIT)
            if text is None:
                continue
            blocks = _json_blocks(text) if name.endswith(".json") else _native_blocks(text)
            if blocks is None:
                found.append(ActingRead("", f"{path} cannot be read as terraform reads it"))
                continue
            for data_type, data_name in blocks:
                found.append(ActingRead(f"{prefix}data.{data_type}.{data_name}", _WHAT[data_type]))
    return found


def _written_on_line(directory: str, ctx: ShellContext) -> bool:
    base = directory.rstrip("/") + "/"
    return any(
        path.startswith(base)
        and (path.endswith(TERRAFORM_SUFFIXES) or path[len(base) :] in ("*", ""))
        for path in ctx.written
    )


def _module_dirs(root: str, ctx: ShellContext) -> list[tuple[str, str]]:
    """``(address prefix, directory)`` of the root module and every module it calls that is
    at hand: installed ones from ``modules.json``, local ones from their ``module`` blocks."""
    dirs = [("", root)]
    installed = _installed_modules(root, ctx)
    if installed is not None:
        return dirs + installed
    queue, seen = [("", root)], {root}
    while queue and len(dirs) < _MAX_DIRS:
        prefix, directory = queue.pop(0)
        for name, source in _local_module_calls(directory, ctx):
            child = posixpath.normpath(posixpath.join(directory, source))
            if child not in seen:
                seen.add(child)
                entry = (f"{prefix}module.{name}.", child)
                dirs.append(entry)
                queue.append(entry)
    return dirs[:_MAX_DIRS]


def _installed_modules(root: str, ctx: ShellContext) -> list[tuple[str, str]] | None:
    """The modules ``terraform init`` recorded (``Key`` ``a.b`` is ``module.a.module.b``)."""
    data_dir = ctx.env.get("TF_DATA_DIR") or ".terraform"
    manifest = posixpath.join(root, data_dir, "modules", "modules.json")
    text = ctx.files.read_text(manifest, limit=_FILE_LIMIT)
    if text is None:
        return None
    try:
        modules = json.loads(text).get("Modules")
    except (ValueError, AttributeError, RecursionError):
        return None
    out = []
    for module in modules if isinstance(modules, list) else []:
        key, where = module.get("Key"), module.get("Dir") if isinstance(module, dict) else None
        if isinstance(key, str) and key and isinstance(where, str) and where:
            prefix = "".join(f"module.{part}." for part in key.split("."))
            out.append((prefix, posixpath.normpath(posixpath.join(root, where))))
    return out[: _MAX_DIRS - 1]


def _local_module_calls(directory: str, ctx: ShellContext) -> list[tuple[str, str]]:
    calls: list[tuple[str, str]] = []
    for name in ctx.files.list_dir(directory) or ():
        if name.endswith((".tf", ".tofu")):
            text = ctx.files.read_text(f"{directory.rstrip('/')}/{name}", limit=_FILE_LIMIT)
            calls += _native_modules(text) if text else []
    return calls


# -- the native syntax ----------------------------------------------------------------------


@dataclass(slots=True)
class _Block:
    header: tuple[str, ...]
    parent: _Block | None
    attributes: dict[str, str]
    post_renders: bool = False  # holds a ``postrender`` block (``helm_template``)


def _native_blocks(text: str) -> list[tuple[str, str]] | None:
    """``(type, name)`` of each acting data block of ``text``; None when it does not scan."""
    try:
        blocks = _blocks(text)
    except Unreadable:
        return None
    return [
        (b.header[1], b.header[2])
        for b in blocks
        if len(b.header) == 3 and b.header[0] == "data" and _scoped_at_top(b) and _acts(b)
    ]


def _native_modules(text: str) -> list[tuple[str, str]]:
    try:
        blocks = _blocks(text)
    except Unreadable:
        return []
    return [
        (b.header[1], b.attributes["source"])
        for b in blocks
        if b.header[0] == "module" and len(b.header) == 2 and b.parent is None
        and b.attributes.get("source", "").startswith(("./", "../"))
    ]  # fmt: skip


def _scoped_at_top(block: _Block) -> bool:
    parent = block.parent
    return parent is None or (parent.header[0] == "check" and parent.parent is None)


def _acts(block: _Block) -> bool:
    data_type = block.header[1]
    if data_type not in ACTING_DATA_TYPES:
        return False
    if data_type == "helm_template":
        return block.post_renders
    default = _METHOD_DEFAULTS.get(data_type)
    if default is None:
        return True
    method = block.attributes.get("method", default)
    # A method that is no literal (an expression, a variable) may be any: it acts.
    return method.upper() not in _READ_METHODS


def _blocks(text: str) -> list[_Block]:
    """Every block of ``text`` with its literal string attributes (``name = "value"``)."""
    found: list[_Block] = []
    stack: list[_Block | None] = []  # None: a bracket of an expression
    statement: list[Token] = []
    for token in tokens(text):
        kind = token[0]
        in_body = not stack or stack[-1] is not None
        if kind == "open" and in_body and token[1] == "{" and _is_header(statement):
            block = _Block(tuple(t[1] for t in statement), stack[-1] if stack else None, {})
            if block.parent is not None and block.header == ("postrender",):
                block.parent.post_renders = True
            found.append(block)
            stack.append(block)
            statement = []
        elif kind == "open":
            stack.append(None)
            statement.append(token)
        elif kind == "close":
            if not stack:
                raise Unreadable(f"an unbalanced {token[1]!r}")
            closed = stack.pop()
            if closed is None:
                statement.append(token)
            else:
                _finish(closed, statement)
                statement = []
        elif kind != "nl":
            statement.append(token)
        elif in_body:  # a line break ends a statement, but not inside brackets
            _finish(stack[-1] if stack else None, statement)
            statement = []
    if stack:
        raise Unreadable("a block or bracket is not closed")
    return found


def _is_header(statement: list[Token]) -> bool:
    return (
        bool(statement)
        and statement[0][0] == "ident"
        and all(t[0] in ("str", "ident") for t in statement[1:])
    )


def _finish(block: _Block | None, statement: list[Token]) -> None:
    """Note a literal string attribute of ``block`` (``method = "POST"``); any other value of
    an attribute is noted as ``=`` (an expression: what it comes to is not told here)."""
    if block is None or len(statement) < 3 or statement[0][0] != "ident":
        return
    if statement[1][0] != "eq":
        return
    value = statement[2]
    literal = len(statement) == 3 and value[0] == "str" and value[1]
    block.attributes[statement[0][1]] = value[1] if literal else "="


# -- the JSON syntax ------------------------------------------------------------------------


def _json_blocks(text: str) -> list[tuple[str, str]] | None:
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict):
        return None
    bodies = [document]
    for checks in _objects(document.get("check")):
        bodies += [b for check in checks.values() for b in _objects(check)]
    found = []
    for body in bodies:
        for types in _objects(body.get("data")):
            for data_type, named in types.items():
                for name, config in ((n, c) for obj in _objects(named) for n, c in obj.items()):
                    if data_type in ACTING_DATA_TYPES and _json_acts(data_type, config):
                        found.append((data_type, name))
    return found


def _json_acts(data_type: str, config: object) -> bool:
    if data_type == "helm_template":
        return any("postrender" in body for body in _objects(config))
    default = _METHOD_DEFAULTS.get(data_type)
    if default is None:
        return True
    for body in _objects(config) or [{}]:
        method = body.get("method", default)
        if not isinstance(method, str) or "${" in method or method.upper() not in _READ_METHODS:
            return True
    return False


def _objects(value: object) -> list[dict[str, object]]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, dict)]
    return []
