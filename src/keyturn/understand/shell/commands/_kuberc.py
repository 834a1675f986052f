"""kubectl's preferences file (kuberc), read as kubectl 1.34 reads it before any command.

kubectl reads the file the first ``--kuberc`` word names, else ``KUBERC``, else
``~/.kube/kuberc``; ``KUBERC=off`` turns it off. Of its YAML documents the first
``kubectl.config.k8s.io`` ``Preference`` counts. Its ``defaults`` give a command's options a
value when the line does not give them -- the root's options too (``namespace``, ``context``,
``kubeconfig``), so ``kubectl delete pods --all`` may empty another namespace, and ``apply``
may ``--prune --all``. Its ``aliases`` name new commands (``kubectl d pods`` for ``delete
--namespace payments pods``); kubectl expands them only where no built-in verb is named.

Both are put into the call's words before it is judged (:func:`with_kuberc`). A kuberc that
cannot be read, holds what is not followed here (another version, a field of an unexpected
type, a default of a command with sub-commands, an option the verb does not take), is named
but missing (kubectl then fails), or that an earlier command on the line wrote leaves the call
unknown. A call run in a pod, over ssh or as another user, or under a home decided at run
time, reads a kuberc that is not told: as for its kubeconfig (whose context and namespace are
then not told either), nothing of this machine is read for it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import yaml

from keyturn.understand.shell.commands._home import command_home
from keyturn.understand.shell.commands._kube_args import ParsedArgs, parse_command
from keyturn.understand.shell.commands._kube_flags import KUBECTL_GLOBAL, KUBECTL_VERBS, FlagSet
from keyturn.understand.shell.commands._kube_place import place_of
from keyturn.understand.shell.line_writes import written_text
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.registry import ShellContext, SimpleCommand
from keyturn.yaml_limits import load_all

_LIMIT = 1_000_000
_GROUP = "kubectl.config.k8s.io/"
_VERSION = _GROUP + "v1beta1"
# Top-level fields kubectl's v1beta1 Preference has; a key it does not know is ignored by it,
# but one spelt otherwise than these may be read by a release that does: not followed here.
_FIELDS = frozenset(
    {
        "apiVersion",
        "kind",
        "defaults",
        "aliases",
        "credentialPluginPolicy",
        "credentialPluginAllowlist",
    }
)
_ALIAS_NAME = re.compile(r"[a-zA-Z]+")
_SHORTS = re.compile(r"-[a-zA-Z]+")
# Verbs whose next word may be a sub-command: a default set for the verb does not reach the
# sub-command (kubectl compares the leaf command's name), and which leaf runs is not told here.
_WITH_SUBCOMMANDS = frozenset(
    {"create", "set", "config", "rollout", "auth", "certificate", "apply", "top", "cluster-info"}
    | {"plugin", "alpha", "kuberc"}
)


class _NotFollowed(Exception):
    """The kuberc says what is not followed here: the call is unknown (the message says why)."""


def with_kuberc(
    words: tuple[str, ...], args: ParsedArgs, cmd: SimpleCommand, ctx: ShellContext
) -> tuple[ParsedArgs, str]:
    """``args`` (parsed from ``words``) as kubectl runs them after its kuberc's aliases and
    defaults, and ``""``; or ``args`` unchanged and why the kuberc leaves the call unknown."""
    place = place_of(cmd, ctx)
    if place.elsewhere is not None or place.home_untold:
        return args, ""  # that place's kuberc (and kubeconfig) are not read here
    try:
        document = _preference(cmd, ctx)
        if document is None:
            return args, ""
        return _applied(document, words, args), ""
    except _NotFollowed as why:
        return args, f"kubectl {args.words[0] if args.words else ''}: {why}"


def _preference(cmd: SimpleCommand, ctx: ShellContext) -> dict[str, Any] | None:
    """The Preference kubectl uses, or None: none read (off, or no default file)."""
    explicit = _explicit_path(cmd.args)
    variable = cmd.assignments.get("KUBERC") or ctx.env.get("KUBERC")
    if variable == "off":
        if explicit:
            raise _NotFollowed("KUBERC=off and --kuberc together: kubectl refuses to run")
        return None
    home = command_home(cmd, ctx)
    if not (explicit or variable) and home is None:
        # As with its kubeconfig there: the context and namespace are not told either.
        return None
    path = explicit or variable or f"{(home or '').rstrip('/')}/.kube/kuberc"
    path = normalize_path(path, cwd=ctx.cwd)
    if ctx.written and written_text(ctx.written, path)[0]:
        raise _NotFollowed(
            f"kuberc {path} is changed earlier on the line: its options are not told"
        )
    text = ctx.files.read_text(path, limit=_LIMIT)
    if text is None:
        if explicit or variable or ctx.files.exists(path):
            raise _NotFollowed(f"kuberc {path} cannot be read here")
        return None
    return _document(text, path)


def _explicit_path(args: tuple[str, ...]) -> str | None:
    """The file the first ``--kuberc`` word before ``--`` names, as kubectl finds it (before
    parsing its flags: any word holding ``--kuberc=``, split at every ``=``)."""
    for at, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--kuberc":
            if at + 1 < len(args):
                return args[at + 1]
            raise _NotFollowed("--kuberc without a file: kubectl refuses to run")
        if "--kuberc=" in arg:
            value = arg.split("=")[1]
            if not value:
                raise _NotFollowed("--kuberc without a file: kubectl refuses to run")
            return value
    return None


def _document(text: str, path: str) -> dict[str, Any] | None:
    """The first Preference of the file's documents (kubectl skips any other kind)."""
    try:
        documents = list(load_all(text))
    except (yaml.YAMLError, RecursionError):
        raise _NotFollowed(f"kuberc {path} is not YAML read here") from None
    for document in documents:
        if not isinstance(document, dict) or document.get("kind") != "Preference":
            continue
        version = document.get("apiVersion")
        if version == _VERSION and _FIELDS.issuperset(document):
            return document
        if isinstance(version, str) and version.startswith(_GROUP):
            raise _NotFollowed(f"kuberc {path}: its {version} preferences are not followed here")
    return None


def _applied(document: dict[str, Any], words: tuple[str, ...], args: ParsedArgs) -> ParsedArgs:
    defaults = _list(document.get("defaults"), "defaults")
    aliases = _list(document.get("aliases"), "aliases")
    for entry in (*defaults, *aliases):
        for option in _list(entry.get("options"), "options"):
            if _text(option.get("name"), "an option's name").startswith("-"):
                raise _NotFollowed("kuberc option names with dashes: kubectl refuses to run")
    names = [_text(a.get("name"), "an alias's name") for a in aliases]
    if any(not _ALIAS_NAME.fullmatch(n) for n in names) or len(set(names)) != len(names):
        raise _NotFollowed("kuberc aliases kubectl refuses (bad or repeated names)")
    verb = args.words[0] if args.words else ""
    if not verb or verb in KUBECTL_VERBS:
        return _defaults_applied(defaults, words, args, verb)
    alias = next((a for a in aliases if a.get("name") == verb), None)
    if alias is None:
        return args  # a plugin or a verb not known: judged as such
    if any(_words_of(d.get("command"))[-1:] == [verb] for d in defaults):
        raise _NotFollowed(f"kuberc sets defaults for alias {verb}: kubectl refuses to run")
    return _alias_applied(alias, words, verb)


def _defaults_applied(
    defaults: list[dict[str, Any]], words: tuple[str, ...], args: ParsedArgs, verb: str
) -> ParsedArgs:
    """``args`` with the options of the defaults for ``verb`` given where the line does not."""
    leaf_told = verb not in _WITH_SUBCOMMANDS or len(args.words) < 2
    for entry in defaults:
        command = _words_of(entry.get("command"))
        if leaf_told and command == [verb]:
            args = _options_applied(entry, words, args, verb)
        elif (
            command[:1] == [verb]
            or command[-1:] == [verb]
            or (not leaf_told and set(command) & set(args.words[1:3]))
        ):
            raise _NotFollowed(f"kuberc defaults for '{' '.join(command)}' may apply: not followed")
    return args


def _alias_applied(alias: dict[str, Any], words: tuple[str, ...], name: str) -> ParsedArgs:
    """The call an alias stands for: its command's words, ``prependArgs`` after the alias,
    the line's words, ``appendArgs``; its options where neither the line nor those give them."""
    command = _words_of(alias.get("command"))
    if not command or command[0] not in KUBECTL_VERBS:
        raise _NotFollowed(f"kuberc alias {name} runs '{' '.join(command)}': not followed")
    at = next((i for i, w in enumerate(words) if not w.startswith("-")), None)
    if at is None or words[at] != name:
        raise _NotFollowed(f"kuberc alias {name}: which word kubectl takes for it is not told")
    prepend = _texts(alias.get("prependArgs"), "prependArgs")
    append = _texts(alias.get("appendArgs"), "appendArgs")
    expanded = (*words[:at], *command, *prepend, *words[at + 1 :], *append)
    args = parse_command(expanded, root=KUBECTL_GLOBAL, verbs=KUBECTL_VERBS)
    return _options_applied(alias, words, args, command[0])


def _options_applied(
    entry: dict[str, Any], words: tuple[str, ...], args: ParsedArgs, verb: str
) -> ParsedArgs:
    """``args`` with each of ``entry``'s options given its default, unless the line's words
    name the option as kubectl searches them (a value parsed from them wins anyway)."""
    known: FlagSet = KUBECTL_VERBS.get(verb, KUBECTL_GLOBAL)
    shorts = {long: short[1:] for short, long in known.aliases.items()}
    flags = dict(args.flags)
    for option in _list(entry.get("options"), "options"):
        name = _text(option.get("name"), "an option's name")
        value = _text(option.get("default"), f"option {name}'s default")
        flag = f"--{name}"
        if flag not in known.values | known.booleans:
            raise _NotFollowed(f"kuberc option {name} is not one kubectl {verb} takes")
        if flag not in flags and not _named(name, shorts.get(flag, ""), words):
            flags[flag] = [value]
    return replace(args, flags=flags)


def _named(name: str, short: str, words: tuple[str, ...]) -> bool:
    """Whether kubectl finds option ``name`` among ``words`` (its ``searchInArgs``: any word
    ``--name``/``--name=…``, starting ``-<short>``, or of short letters holding it)."""
    for word in words:
        if word == f"--{name}" or word.startswith(f"--{name}="):
            return True
        if short and (word.startswith(f"-{short}") or (_SHORTS.fullmatch(word) and short in word)):
            return True
    return False


def _words_of(command: object) -> list[str]:
    return _text(command, "a command").split()


def _list(value: object, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise _NotFollowed(f"kuberc {what} not a list of mappings: not followed")
    return value


def _texts(value: object, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _NotFollowed(f"kuberc {what} not a list of strings: not followed")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise _NotFollowed(f"kuberc {what} is not a string: not followed")
    return value
