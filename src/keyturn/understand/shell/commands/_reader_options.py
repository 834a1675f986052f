"""What the options of everyday reading tools do besides reading (:mod:`.basic`).

``sort -o FILE`` writes FILE, ``sort --random-source FILE`` reads it, ``sort
--compress-program PROG`` runs PROG; ``less -o``/``-O FILE`` writes its log, ``less -T FILE``
reads a tags file, and a lesskey file (``-k``, ``--lesskey-src``, ``--lesskey-content``) may set
``LESSOPEN``, which less runs on every file it opens (unknown); ``tree -o FILE`` writes; ``rg
--pre CMD``, ``bat --pager CMD`` and ``ag --pager CMD`` run a command, judged as such.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.code_settings import runs_command
from keyturn.understand.shell.effects import file_effect, file_path, unknown_effect, write_effect
from keyturn.understand.shell.flags import Options, OptionSpec
from keyturn.understand.shell.registry import ShellContext, SimpleCommand


def reader_option_effects(cmd: SimpleCommand, opts: Options, ctx: ShellContext) -> list[Effect]:
    """What the options of reading tool ``cmd`` (parsed as ``opts``) write, read or run."""
    return _writes_and_runs(cmd, ctx) + _option_effects(cmd, opts, ctx)


def reader_spec(name: str) -> OptionSpec | None:
    """How reading tool ``name`` spells its options, when they write, run or read more."""
    return _READER_SPECS.get(name)


# Options of reading tools that write the file they name, or run the command they name.
_WRITING_OPTIONS = {"tree": ("-o",)}
_COMMAND_OPTIONS = {"rg": ("--pre",), "bat": ("--pager",), "ag": ("--pager", "--pag", "--page")}

# The reading tools whose options write, run or read more (spelled as they take them: GNU
# long options may be abbreviated, ``sort --outp=FILE``), and what each such option does.
_READER_SPECS = {
    "sort": OptionSpec(
        valued="kotSTy",
        long={
            "key": "k",
            "output": "o",
            "field-separator": "t",
            "buffer-size": "S",
            "temporary-directory": "T",
        },
        long_valued=frozenset(
            {"compress-program", "files0-from", "random-source", "batch-size", "parallel"}
            | {"sort"}
        ),
        other_long=frozenset(
            {"check", "debug", "dictionary-order", "general-numeric-sort", "help", "merge"}
            | {"human-numeric-sort", "ignore-case", "ignore-leading-blanks", "reverse"}
            | {"ignore-nonprinting", "month-sort", "numeric-sort", "random-sort", "stable"}
            | {"unique", "version", "version-sort", "zero-terminated"}
        ),
    ),
    "uniq": OptionSpec(
        valued="fsw",
        long={"skip-fields": "f", "skip-chars": "s", "check-chars": "w"},
        other_long=frozenset(
            {"all-repeated", "count", "group", "help", "ignore-case", "repeated", "unique"}
            | {"version", "zero-terminated"}
        ),
    ),
    "less": OptionSpec(
        valued="bhjkoOpPtTxyz",
        long={
            "log-file": "o",
            "LOG-FILE": "O",
            "lesskey-file": "k",
            "tag-file": "T",
            "tag": "t",
            "pattern": "p",
            "prompt": "P",
            "buffers": "b",
            "max-back-scroll": "h",
            "jump-target": "j",
            "tabs": "x",
            "max-forw-scroll": "y",
            "window": "z",
        },
        long_valued=frozenset(
            {"shift", "color", "quotes", "rscroll", "line-num-width", "status-col-width"}
            | {"wheel-lines", "lesskey-src", "lesskey-content"}
        ),
        other_long=frozenset(
            {"auto-buffers", "chop-long-lines", "clear-screen", "dumb", "file-size", "force"}
            | {"follow-name", "help", "hilite-search", "hilite-unread", "ignore-case", "tilde"}
            | {"incsearch", "line-numbers", "long-prompt", "mouse", "no-histdups", "no-init"}
            | {"no-keypad", "no-lessopen", "quiet", "quit-at-eof", "quit-if-one-screen"}
            | {"quit-on-intr", "raw-control-chars", "save-marks", "search-skip-screen"}
            | {"silent", "squeeze-blank-lines", "status-column", "underline-special"}
            | {"use-backslash", "use-color", "version", "HILITE-SEARCH", "HILITE-UNREAD"}
            | {"IGNORE-CASE", "LINE-NUMBERS", "LONG-PROMPT", "QUIET", "QUIT-AT-EOF", "SILENT"}
            | {"RAW-CONTROL-CHARS", "SEARCH-SKIP-SCREEN", "UNDERLINE-SPECIAL"}
        ),
    ),
}
# Option key -> what it does with its value, per program: "writes" a file, "reads" a file,
# "runs" a command, or "unknown" (the reason).
_OPTION_MEANINGS: dict[str, dict[str, str]] = {
    "sort": {
        "o": "writes",
        "random-source": "reads",
        "compress-program": "sort runs the compressor it is given",
        "files0-from": "sort reads the files named in a file",
    },
    "less": {
        "o": "writes",
        "O": "writes",
        "T": "reads",
        # A lesskey file's #env section sets LESSOPEN, which less runs on every file.
        "k": "less reads key bindings and settings (LESSOPEN…) from a file",
        "lesskey-src": "less reads key bindings and settings (LESSOPEN…) from a file",
        "lesskey-content": "less takes key bindings and settings (LESSOPEN…) from the line",
    },
}


def _option_effects(cmd: SimpleCommand, opts: Options, ctx: ShellContext) -> list[Effect]:
    """What the options of ``_OPTION_MEANINGS`` do with their values."""
    meanings = _OPTION_MEANINGS.get(cmd.name)
    if not meanings:
        return []
    effects: list[Effect] = []
    for key, meaning in meanings.items():
        for value in opts.values.get(key, ()):
            if meaning == "writes":
                effects.append(write_effect(file_path(value, ctx), cmd, ctx))
            elif meaning == "reads":
                effects.append(file_effect(EffectKind.READ, [file_path(value, ctx)], cmd, ctx))
            elif meaning == "runs":
                effects.extend(runs_command(value, f"{cmd.name} --{key}", cmd, ctx))
            else:
                effects.append(unknown_effect(cmd, meaning, ctx))
        if key in opts.flags and meaning not in ("writes", "reads", "runs"):
            effects.append(unknown_effect(cmd, meaning, ctx))
    return effects


def _writes_and_runs(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    writing, running = _WRITING_OPTIONS.get(cmd.name, ()), _COMMAND_OPTIONS.get(cmd.name, ())
    if not (writing or running):
        return []
    effects: list[Effect] = []
    args = list(cmd.args)
    for i, arg in enumerate(args):
        name, equals, value = arg.partition("=")
        given = value if equals else (args[i + 1] if i + 1 < len(args) else None)
        if name in writing and given:
            effects.append(write_effect(file_path(given, ctx), cmd, ctx))
        elif name in running:
            effects.extend(runs_command(given, f"{cmd.name} {name}", cmd, ctx))
    return effects
