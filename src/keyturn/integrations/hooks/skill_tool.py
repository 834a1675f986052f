"""Claude Code's ``Skill`` and ``SlashCommand`` tools, judged by the shell commands the skill's
file makes Claude Code run.

A skill (``.claude/skills/<name>/SKILL.md``) or custom command (``.claude/commands/<name>.md``)
may hold `` !`command` `` lines and `` ```! `` blocks: Claude Code runs each of them with the
Bash tool when the skill is invoked, before Claude sees the text, and never prompts for them
(the skill's ``allowed-tools`` pre-approves them; code.claude.com/docs/en/skills "Inject
dynamic context", "Permission checks on injected commands"). So a ``Skill`` call is the
agent's own bookkeeping only when its file runs nothing; otherwise it is those commands, each
understood as the shell line it is (:func:`~keyturn.understand.shell.understand_shell`), in the
session's directory as Claude Code runs them.

The file is looked up where Claude Code loads skills from (:func:`skill_files`), read as it is
now. Every file that could be the skill of that name is judged (Claude Code picks one of them
by an order of precedence: judging them all never misses the one it picks). When none is
found -- a nested one Claude Code loaded after the session started, a plugin's skill not in
its plugin folders (:mod:`.plugin_skills`), a file that cannot be read -- the call is
``unknown``: Claude Code would find it, and what it runs is not known. Two kinds are known to
run no command from a file here: Claude Code's bundled skills (no file of that name found) and
the skills synced from claude.ai, whose commands Claude Code never runs on the machine
(v2.1.228 and later).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from keyturn.model import Action, ActionKind, Effect, Target
from keyturn.understand import FileReader

from .tool_calls import ToolCall, harmless_action, unknown_action

# The patterns Claude Code finds the commands with (``@anthropic-ai/claude-code`` 2.1.332's
# binary, read): a fenced block opened with ```! , and `` !`…` `` where the ``!`` starts the
# text or follows white space, found after inline code spans are blanked (their text is not a
# command). Each command is trimmed, CR LF made LF, an empty one dropped.
_FENCED = re.compile(r"```!\s*\n?([\s\S]*?)\n?```")
_INLINE = re.compile(r"(?:^|(?<=[\s\ufeff]))!`([^`]+)`")
_CODE_SPAN = re.compile(r"`[^`\n]+`")
# A skill file larger than this is not read whole: what it runs is not known.
_READ_LIMIT = 4_000_000
# Bundled skills and the built-in commands the Skill tool reaches (skills.md "Bundled
# skills", "Restrict Claude's skill access"): Claude Code's own text, no file here.
_BUNDLED = frozenset(
    {
        *("batch", "claude-api", "code-review", "debug", "doctor", "init", "loop", "review"),
        *("run", "run-skill-generator", "security-review", "simplify", "verify"),
        "workflow-authoring",
    }
)
# Where managed (enterprise) skills live: the managed settings directory's ``.claude``.
_MANAGED = ("/etc/claude-code", "/Library/Application Support/ClaudeCode")
_SYNCED_PREFIX = "anthropic-skills:"


@dataclass(frozen=True, slots=True)
class SkillFile:
    """One file that may be the skill: its path, text, and whether Claude Code runs its
    commands (not for a skill synced from claude.ai)."""

    path: str
    text: str
    runs_commands: bool = True
    plugin_root: str | None = None


class _NotKnown(Exception):
    """What the skill runs cannot be told (the reason is the message)."""


def skill_action(
    call: ToolCall, *, env: Mapping[str, str], files: FileReader, target: Target
) -> Action:
    """The action of a ``Skill`` (or ``SlashCommand``) call: its file's commands, or the
    agent's bookkeeping when they are none, or ``unknown`` when that cannot be told."""
    from keyturn.understand.shell import understand_shell

    name, arguments = call.arguments.get("skill"), call.arguments.get("args")
    try:
        commands = _commands(call, name, arguments, env=env, files=files)
    except _NotKnown as exc:
        return unknown_action(call, f"{call.tool} '{name}': {exc}", target=target)
    if not commands:
        return harmless_action(call, target=target)
    # Claude Code writes a plugin's folders into its skill's text itself; the hook's own
    # CLAUDE_PLUGIN_ROOT/DATA (another plugin's, or none) are not them: left unset, unknown.
    env = {k: v for k, v in env.items() if k not in ("CLAUDE_PLUGIN_ROOT", "CLAUDE_PLUGIN_DATA")}
    effects: list[Effect] = []
    for command in commands:
        understood = understand_shell(
            command, cwd=call.cwd, home=call.home, env=env, target=target, files=files
        )
        effects += understood.effects
    if not effects:
        return harmless_action(call, target=target)
    digest = hashlib.sha256("\x00".join(commands).encode()).hexdigest()
    subject = {"tool": call.tool, "skill": str(name), "args": arguments, "runs": "sha256:" + digest}
    return Action(
        ActionKind.SHELL,
        f"{call.tool} {name}: " + " ; ".join(commands),
        tuple(effects),
        target,
        subject,
    )


def _commands(
    call: ToolCall, name: Any, arguments: Any, *, env: Mapping[str, str], files: FileReader
) -> list[str]:
    if not isinstance(name, str) or not name.strip("/ \t"):
        raise _NotKnown("names no skill")
    if arguments is not None and not isinstance(arguments, str):
        raise _NotKnown("its args are not a string")
    skill = name.strip().removeprefix("/")
    if skill.lower().startswith(_SYNCED_PREFIX):
        return []  # synced from claude.ai: its commands are never run on this machine
    found = skill_files(skill, cwd=call.cwd, home=call.home, env=env, files=files)
    if not found:
        if skill in _BUNDLED:
            return []
        raise _NotKnown("no skill or command file of that name was found where Claude Code looks")
    commands: list[str] = []
    for file in found:
        if not file.runs_commands:
            continue
        front = frontmatter(file.text)
        ran = injected_commands(file.text)
        if ran and str(front.get("shell") or "bash").strip().lower() != "bash":
            raise _NotKnown(f"{file.path} runs its commands with {front.get('shell')!r}")
        skill_dir = posixpath.dirname(file.path) if file.path.endswith("/SKILL.md") else None
        commands += [
            _substituted(
                c, arguments or "", front, skill_dir=skill_dir, file=file, call=call, env=env
            )
            for c in ran
        ]
    return commands


def injected_commands(text: str) -> list[str]:
    """The commands Claude Code runs for a skill or command file's text, in its order: the
    fenced blocks, then the inline ones."""
    blanked = _CODE_SPAN.sub(_blank_span(text), text) if "!`" in text else ""
    found = [m.group(1) for m in _FENCED.finditer(text)]
    found += [m.group(1) for m in _INLINE.finditer(blanked)]
    return [c.strip().replace("\r\n", "\n") for c in found if c.strip()]


def _blank_span(text: str) -> Any:
    """Claude Code blanks an inline code span's text unless a ``!`` or a backtick is before
    it (that one is a command, or part of a fence)."""

    def blank(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        span = match.group(0)
        return span if before in ("!", "`") else "`" + " " * (len(span) - 2) + "`"

    return blank


def frontmatter(text: str) -> dict[str, Any]:
    """The YAML between a first line ``---`` and the next; ``{}`` when there is none or it does
    not parse (Claude Code then loads the skill with no fields set). Raises :class:`_NotKnown`
    for YAML refused for its aliases or nesting (:mod:`keyturn.yaml_limits`), which Claude Code
    may still read."""
    import yaml

    from keyturn.yaml_limits import RefusedYaml, load

    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        return {}
    try:
        end = next(i for i, line in enumerate(lines[1:], 1) if line.strip() == "---")
        data = load("\n".join(lines[1:end]))
    except RefusedYaml as why:
        raise _NotKnown(f"its frontmatter is not read here ({why})") from None
    except (StopIteration, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


# Argument placeholders (skills.md "Available string substitutions"): ``$ARGUMENTS[N]``,
# ``$ARGUMENTS``, ``$N`` and a name the ``arguments`` field declares; a single backslash before
# one keeps it as text.
_PLACEHOLDER = re.compile(r"(\\?)\$(ARGUMENTS\[(\d+)\]|ARGUMENTS|(\d+)|([A-Za-z_][A-Za-z0-9_]*))")


def _substituted(
    command: str,
    arguments: str,
    front: Mapping[str, Any],
    *,
    skill_dir: str | None,
    file: SkillFile,
    call: ToolCall,
    env: Mapping[str, str],
) -> str:
    """``command`` as Claude Code runs it: the arguments put in as they are typed (Claude Code
    does not quote them for the shell), then its ``${CLAUDE_…}`` values that are known here;
    one not known is left for the shell, which judges an unset variable as not known."""
    if any(c in arguments for c in "!`") and _PLACEHOLDER.search(command):
        raise _NotKnown("its arguments hold '!' or '`', which Claude Code may escape")
    try:
        words = shlex.split(arguments)
    except ValueError:
        words = arguments.split()
    declared = front.get("arguments")
    names = declared.split() if isinstance(declared, str) else declared
    names = [str(n) for n in names] if isinstance(names, list) else []

    def value(match: re.Match[str]) -> str:
        escaped, whole, index, number, word = match.groups()
        if word is not None and word not in names:
            return match.group(0)
        if escaped:
            return match.group(0)[1:]
        if whole == "ARGUMENTS":
            return arguments
        if word is not None:
            at = names.index(word)
            return words[at] if at < len(words) else ""
        at = int(index if index is not None else number)
        return words[at] if at < len(words) else match.group(0)

    command = _PLACEHOLDER.sub(value, command)
    known = {"CLAUDE_SKILL_DIR": skill_dir, "CLAUDE_SESSION_ID": call.session}
    known["CLAUDE_PROJECT_DIR"] = env.get("CLAUDE_PROJECT_DIR")
    known["CLAUDE_PLUGIN_ROOT"] = file.plugin_root  # a plugin's skill: its folder
    for key, given in known.items():
        if given:
            command = command.replace("${" + key + "}", given)
    return command


def skill_files(
    name: str, *, cwd: str, home: str, env: Mapping[str, str], files: FileReader
) -> list[SkillFile]:
    """Every file that may be the skill ``name``: in the managed, personal and project places
    (the session's directory and each one above it, and ``$CLAUDE_PROJECT_DIR``'s), a skill
    directory of that name or whose ``name`` field is that, a command file (``a:b`` is
    ``commands/a/b.md``), a nested skill (``apps/web:deploy``), and a synced skill. Raises
    :class:`_NotKnown` for a name that is not one, or a place that cannot be read."""
    if "\x00" in name or any(part in ("", ".", "..") for part in re.split(r"[/:]", name)):
        raise _NotKnown("is not a skill name")
    starts = [cwd, *([env["CLAUDE_PROJECT_DIR"]] if env.get("CLAUDE_PROJECT_DIR") else [])]
    bases = list(dict.fromkeys([*_MANAGED, home, *(p for s in starts for p in _upwards(s))]))
    found: list[SkillFile] = []
    for base in bases:
        if "/" not in name and ":" not in name:
            found += _read(files, f"{base}/.claude/skills/{name}/SKILL.md")
            found += _named(files, f"{base}/.claude/skills", name)
        if "/" not in name:
            found += _read(files, f"{base}/.claude/commands/{name.replace(':', '/')}.md")
    if ":" in name:  # a nested skill, by its directory under where the session started
        folder, _, last = name.rpartition(":")
        for start in starts:
            found += _read(files, f"{start.rstrip('/')}/{folder}/.claude/skills/{last}/SKILL.md")
        found += _plugin_files(name, home=home, env=env, files=files)
    elif "/" not in name:
        synced = _read(files, f"{home}/.claude/skills/synced/{name}/SKILL.md")
        found += [SkillFile(f.path, f.text, runs_commands=False) for f in synced]
    # One file reached two ways (a base that is also the home) is judged once.
    return list({f.path: f for f in found}.values())


def _plugin_files(
    name: str, *, home: str, env: Mapping[str, str], files: FileReader
) -> list[SkillFile]:
    """The files a plugin's skill ``plugin:skill`` may be (:mod:`.plugin_skills`); a root
    ``SKILL.md`` only when it names that skill or names none."""
    from .plugin_skills import PluginNotKnown, plugin_roots, plugin_skill_paths, skill_folders

    plugin, _, rest = name.partition(":")
    found: list[SkillFile] = []
    try:
        for root in plugin_roots(plugin, home=home, env=env, files=files):
            for path in plugin_skill_paths(root, rest, files=files):
                for file in _read(files, path):
                    given = frontmatter(file.text).get("name")
                    if path == f"{root}/SKILL.md" and not _may_name(given, rest):
                        continue
                    found.append(SkillFile(file.path, file.text, plugin_root=root))
            if ":" not in rest:
                for folder in skill_folders(root, files=files):
                    named = _named(files, folder, rest) + _listed_skill(files, folder, rest)
                    found += [SkillFile(f.path, f.text, plugin_root=root) for f in named]
    except PluginNotKnown as exc:
        raise _NotKnown(str(exc)) from None
    return found


def _upwards(start: str) -> list[str]:
    """``start`` and every directory above it, to the root."""
    out, here = [], posixpath.normpath(start) if start.startswith("/") else ""
    while here:
        out.append(here)
        here = "" if here == "/" else posixpath.dirname(here)
    return out


def _read(files: FileReader, path: str) -> list[SkillFile]:
    if not files.exists(path):
        return []
    text = files.read_text(path, limit=_READ_LIMIT + 1)
    if text is None or len(text) > _READ_LIMIT:
        raise _NotKnown(f"{path} cannot be read whole")
    return [SkillFile(path, text)]


def _named(files: FileReader, folder: str, name: str) -> list[SkillFile]:
    """The skills in ``folder`` whose frontmatter ``name`` is ``name`` (without case: more
    files judged, never fewer)."""
    if not files.is_dir(folder):
        return []
    entries = files.list_dir(folder)
    if entries is None:
        raise _NotKnown(f"the skills in {folder} cannot be listed")
    found = []
    for entry in entries:
        if entry.lower() in ("synced", ".trash") or entry == name:
            continue
        for file in _read(files, f"{folder}/{entry}/SKILL.md"):
            given = frontmatter(file.text).get("name")
            if isinstance(given, str) and given.strip().lower() == name.lower():
                found.append(file)
    return found


def _may_name(given: object, skill: str) -> bool:
    """Whether a root ``SKILL.md`` whose ``name:`` is ``given`` may be the skill ``skill``:
    compared as :func:`_named` compares, without case or surrounding blanks (more files
    judged, never fewer); a name that is no text may be anything."""
    return not isinstance(given, str) or given.strip().lower() == skill.strip().lower()


def _listed_skill(files: FileReader, folder: str, skill: str) -> list[SkillFile]:
    """A manifest may list a skill's own folder (``"skills": ["./extra/ship"]``): its
    ``SKILL.md`` when the folder's name or the file's ``name:`` is ``skill`` (without case)."""
    found = []
    for file in _read(files, f"{folder}/SKILL.md"):
        given = frontmatter(file.text).get("name")
        by_name = isinstance(given, str) and given.strip().lower() == skill.strip().lower()
        if by_name or folder.rstrip("/").rsplit("/", 1)[-1].lower() == skill.lower():
            found.append(file)
    return found
