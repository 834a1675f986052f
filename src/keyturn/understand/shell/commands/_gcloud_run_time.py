"""``gcloud`` and ``gsutil`` words decided only when the line runs, beyond the values of the
options that can open a store (those: :mod:`._gcloud_public`).

- A word that may stand for options: unquoted, so that bash splits it into several words
  (``gcloud storage buckets update gs://prod $OPTS`` where ``OPTS='--predefined-acl
  publicRead'``, ``gsutil acl set $X gs://prod``, ``gcloud sql instances patch prod $FLAGS``),
  or one whose option name is itself decided at run time (``"--$FLAG=true"``). It may be any
  option, one naming another resource or project among them: every change of the call is then
  ``unknown``, as the AWS CLI's is (:func:`~._aws_cli_call.loosened`) and az's
  (:mod:`._az_run_time`). A read stays a read: a command that only reads does whatever its
  options. gsutil's split words may also be more URLs (``gsutil rm gs://scratch/x $MORE``), so
  its loosened changes name any bucket (``gs://*``) too.
- A Cloud Storage URL holding a part decided at run time (``gsutil rm -r "gs://$B"``) is also
  named with each expansion as ``*`` (``gs://*``): what the name may be (:mod:`._gcloud_storage`
  names a bare run-time operand ``gs://*`` likewise). A delete or an opening of such a name is
  ``unknown`` (``which … is decided at run time``: the shell's dispatch), asked, or refused in
  production; a delete or opening named by ``gs://*`` alone is refused where a bucket is
  protected, as on the bucket's own name; an update (a grant to a named user) is judged as any
  update, as on the bucket's own name.

A quoted word is one word: gcloud and gsutil read it as an option only where their parsers
take options, and a run-time value there (``gsutil cp "$F" gs://b/o``, where getopt would read
``-Iapublic-read``) is left as a value, as before -- those words are the call's operands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect
from keyturn.understand.shell.effects import changes_unknown
from keyturn.understand.shell.registry import SimpleCommand

__all__ = ["LOOSE", "loose_words", "loosen", "with_globs"]

LOOSE = (
    "a word decided at run time may stand for options of the command (the data made public,"
    " another resource or project named...)"
)
# ``$NAME``, ``${…}``, ``$(…)``, ``$((…))`` and ``…``: the parts of a word decided at run time.
_EXPANSION = re.compile(
    r"\$\(\([^)]*\)\)|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]|`[^`]*`"
)
_STARS = re.compile(r"\*+")


def loose_words(cmd: SimpleCommand, *, before: int | None = None) -> list[int]:
    """The indexes in ``cmd.args`` (only those under ``before``: words after gcloud's ``--``
    are another command's) of the words decided at run time that may stand for options."""
    args = cmd.args
    end = len(args) if before is None else before
    raw = cmd.raw_argv[1:] if len(cmd.raw_argv) == len(cmd.argv) else ()
    out = []
    for i in sorted(i - 1 for i in cmd.dynamic_words if 0 < i <= end):
        name = args[i].partition("=")[0]
        if not raw or may_split(raw[i]) or (name.startswith("-") and _EXPANSION.search(name)):
            out.append(i)
    return out


def may_split(raw: str) -> bool:
    """Whether bash may make several words of the word written ``raw``: an expansion outside
    double quotes (``$X``, ``--x=$V``, ``$(cmd)``), or ``"$@"``/``"${a[@]}"`` inside them;
    ``user:ann@example.com:"$R"`` and ``"$M":objectViewer`` are one word."""
    quoted = False
    i = 0
    while i < len(raw):
        char = raw[i]
        if char == "\\":
            i += 2
            continue
        if char == "'" and not quoted:
            end = raw.find("'", i + 1)
            i = len(raw) if end < 0 else end + 1
            continue
        if char == '"':
            quoted = not quoted
        elif char in "$`" and not quoted:
            return True
        elif raw.startswith("$@", i) or (
            raw.startswith("${", i) and "[@]" in raw[i : raw.find("}", i) + 1]
        ):
            return True  # every element its own word, quoted or not
        i += 1
    return False


def loosen(effects: list[Effect], *, reach: Sequence[str] = ()) -> list[Effect]:
    """``effects``, each change ``unknown`` (``LOOSE`` in its detail) and also named ``reach``;
    a read as it is."""
    return changes_unknown(effects, LOOSE, reach=reach)


def with_globs(names: Sequence[str]) -> list[str]:
    """``names``, each holding a part decided at run time followed by itself with those parts
    as ``*`` (``gs://$B/x`` then ``gs://*/x``)."""
    out: list[str] = []
    for name in names:
        out.append(name)
        globbed = _STARS.sub("*", _EXPANSION.sub("*", name))
        if globbed != name and "*" in globbed:
            out.append(globbed)
    return list(dict.fromkeys(out))
