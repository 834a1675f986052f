"""What a ``pulumi`` call reads besides its words: the project, the stack selected, the program.

- The project is the ``Pulumi.yaml`` (or ``.yml``, ``.json``) found walking up from the
  working directory (``--cwd``/``-C``): its ``name`` and ``runtime``.
- The stack a call without ``--stack`` acts on is the one ``pulumi stack select`` (or ``stack
  init``) left in ``<PULUMI_HOME or ~/.pulumi>/workspaces/<project>-<sha1 of the project
  file's path>-workspace.json`` (``{"stack": "acme/app/main"}``; pulumi's
  ``workspace.settingsPath``). A selection made earlier on the line rewrote that file: which
  stack it left is not read (:data:`SWITCHED_ON_LINE`), and the call may act on any stack.
- ``pulumi preview`` (and ``up``) starts the language host, which runs the project's program
  (``__main__.py``, ``index.ts``, a Go binary...) on this machine. A ``yaml`` project has no
  program of its own -- unless its ``runtime.options.compiler`` names one (pulumi-yaml runs
  that command and reads its output as the program), or it loads a plugin from a path of this
  machine (``plugins: {providers: [{path: ./bin}]}``, a language host or analyzer too) or a
  package built from a path or a repository (``packages: {x: ./provider}``): each runs code
  that the project, not pulumi, chose.

Files are read as the line leaves them (:func:`~keyturn.understand.shell.line_writes.
one_text_on_line`); one rewritten on the line in a way not known is not known.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._gcloud_config import changed_on_line
from keyturn.understand.shell.effects import file_effect, home_path
from keyturn.understand.shell.line_writes import one_text_on_line, written_text
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

_PROJECT_FILES = ("Pulumi.yaml", "Pulumi.yml", "Pulumi.json")
_MAX_LEVELS = 32
_LIMIT = 1_000_000
# The stack a call acts on when a selection earlier on the line decides it: any stack.
SWITCHED_ON_LINE = "*"


@dataclass(frozen=True, slots=True)
class PulumiProject:
    """The project file found (``path``), its ``name`` and ``runtime``; ``not_known``: why its
    text cannot be told (rewritten on the line); ``runs_code``: what in it runs a command or a
    local plugin whatever the runtime (``runtime.options.compiler``...), or ``""``."""

    path: str
    name: str | None = None
    runtime: str | None = None
    not_known: str = ""
    runs_code: str = ""


def pulumi_home(cmd: SimpleCommand, ctx: ShellContext) -> str:
    """pulumi's own directory: ``PULUMI_HOME``, else ``~/.pulumi``."""
    given = setting(cmd, ctx.env, "PULUMI_HOME")
    return home_path(given or "~/.pulumi", ctx).rstrip("/") or "/"


def find_project(directory: str, ctx: ShellContext) -> PulumiProject | None:
    """The project pulumi finds from ``directory`` upwards; None when there is none (pulumi
    then refuses to run a program or pick a stack of its own)."""
    folder = directory.rstrip("/") or "/"
    for _ in range(_MAX_LEVELS):
        for name in _PROJECT_FILES:
            path = f"{folder.rstrip('/')}/{name}"
            text = one_text_on_line(path, ctx, limit=_LIMIT)
            if text is None:
                if ctx.written and written_text(ctx.written, path)[0]:
                    return PulumiProject(path, not_known=f"{path} is rewritten on the line")
                continue
            return _parsed(path, text)
        if folder == "/":
            break
        folder = posixpath.dirname(folder)
    return None


def _parsed(path: str, text: str) -> PulumiProject:
    import yaml

    from keyturn.yaml_limits import load

    try:
        document = load(text)
    except (yaml.YAMLError, RecursionError):
        return PulumiProject(path, not_known=f"{path} cannot be read as YAML")
    if not isinstance(document, dict):
        return PulumiProject(path, not_known=f"{path} holds no project")
    name = document.get("name")
    given = document.get("runtime")
    runtime = given.get("name") if isinstance(given, dict) else given
    return PulumiProject(
        path,
        name=name if isinstance(name, str) and name else None,
        runtime=runtime if isinstance(runtime, str) and runtime else None,
        runs_code=_runs_code(document, given),
    )


def _runs_code(document: dict[object, object], runtime: object) -> str:
    """What in the project runs code chosen by it whatever its runtime, or ``""``: keys are
    compared without case, and a shape pulumi would not read counts as running (stricter)."""
    compilers = [c for options in _fields(runtime, "options") for c in _fields(options, "compiler")]
    if any(value not in (None, "") for value in compilers):
        return "runtime.options.compiler runs a command as the program"
    if any(_local_plugin(entry) for entry in _entries(document, "plugins")):
        return "plugins: a plugin is loaded from a path of this machine"
    if any(_built_package(entry) for entry in _entries(document, "packages")):
        return "packages: a package is built from a path or a repository"
    return ""


def _entries(document: dict[object, object], key: str) -> list[object]:
    """The items under ``key``: ``plugins: {providers: [...], languages: [...]}`` gives every
    listed plugin, ``packages: {name: source}`` every source."""
    found: list[object] = []
    for section in _fields(document, key):
        groups = list(section.values()) if isinstance(section, dict) else [section]
        for group in groups:
            found.extend(group if isinstance(group, list) else [group])
    return [entry for entry in found if entry not in (None, "")]


def _local_plugin(entry: object) -> bool:
    """A plugin entry loaded from a ``path`` of this machine (or one not read)."""
    return not isinstance(entry, dict) or bool(_fields(entry, "path"))


# A package's source that is a path of this machine or a repository (pulumi builds and runs
# it), not a plugin of the registry named alone (``aws``, ``random@4.16.0``).
_BUILT_SOURCE = ("/", "\\", ":")


def _built_package(entry: object) -> bool:
    """A package whose source (the entry, or its ``source``) is a path or a repository."""
    sources = _fields(entry, "source") if isinstance(entry, dict) else [entry]
    return any(
        not isinstance(s, str) or s.startswith((".", "~")) or any(c in s for c in _BUILT_SOURCE)
        for s in sources
    )


def _fields(mapping: object, name: str) -> list[object]:
    """The values of ``mapping``'s keys spelled ``name`` in any case (none if not a mapping)."""
    if not isinstance(mapping, dict):
        return []
    return [v for k, v in mapping.items() if isinstance(k, str) and k.lower() == name]


def selected_stack(
    cmd: SimpleCommand, ctx: ShellContext, project: PulumiProject | None
) -> str | None:
    """The stack ``pulumi stack select`` left for ``project``; :data:`SWITCHED_ON_LINE` when
    the line changed the selection before the call; None when none can be read."""
    workspaces = f"{pulumi_home(cmd, ctx)}/workspaces"
    if changed_on_line(workspaces, ctx):
        return SWITCHED_ON_LINE
    if project is None or project.name is None:
        return None
    digest = hashlib.sha1(project.path.encode(), usedforsecurity=False).hexdigest()
    text = ctx.files.read_text(f"{workspaces}/{project.name}-{digest}-workspace.json", limit=_LIMIT)
    try:
        settings = json.loads(text) if text else None
    except (ValueError, RecursionError):
        return None
    stack = settings.get("stack") if isinstance(settings, dict) else None
    return stack if isinstance(stack, str) and stack else None


def stack_names(stack: str, project: PulumiProject | None) -> list[str]:
    """``pulumi:stack/<stack>``, and the fully qualified name (``org/project/stack``) a short
    one stands for: the organisation is not told (``*``), the project is the project file's
    (``*`` when none is read)."""
    names = [f"pulumi:stack/{stack}"]
    parts = stack.split("/")
    in_project = project.name if project is not None and project.name else "*"
    if stack != SWITCHED_ON_LINE and len(parts) == 1:
        names.append(f"pulumi:stack/*/{in_project}/{stack}")
    elif len(parts) == 2:
        names.append(f"pulumi:stack/{parts[0]}/{in_project}/{parts[1]}")
    return names


def selection_write(cmd: SimpleCommand, ctx: ShellContext, detail: str) -> Effect:
    """A write of pulumi's workspace settings (the stack selected): later calls on the line
    act on the stack it leaves, which is not read from the disk."""
    path = f"{pulumi_home(cmd, ctx)}/workspaces/*"
    return file_effect(EffectKind.UPDATE, [path], cmd, ctx, detail=detail, service="pulumi")


def program_runs(project: PulumiProject | None) -> str | None:
    """Why the call runs code of the project on this machine (its program), or None: no project
    (pulumi refuses), or a ``yaml`` one (declarative, no program) that names no command or
    plugin of its own to run."""
    if project is None:
        return None
    if project.not_known:
        return f"{project.not_known}: which program it runs is not known"
    if project.runs_code:
        return f"{project.runs_code} ({project.path}) on this machine"
    if project.runtime == "yaml":
        return None
    runtime = project.runtime or "its runtime"
    return f"runs the project's program ({runtime}, {project.path}) on this machine"
