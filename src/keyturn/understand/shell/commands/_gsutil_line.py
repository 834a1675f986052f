"""One ``gsutil`` line as gsutil reads it: its global options (``getopt`` with
``dDvo:?h:i:u:mq`` and the long options of ``gslib/utils/arg_helper.py``, gsutil 5 of gcloud
528), the verb, and the verb's words; and the HTTP headers it sends (``-h NAME:VALUE``).

Python's ``getopt`` stops at the first word that is not an option (the verb), joins short
options (``-mh x-goog-acl:public-read``: ``-m``, then ``-h`` taking the next word), takes an
option's value attached (``-hx-goog-acl:public-read``) or as the next word, and a long option
by any prefix only one long option starts (``--trace x``).

A header ``x-goog-acl`` (or ``x-amz-acl``, which Cloud Storage's XML API also reads) is the
predefined ACL of what the call writes: gsutil passes the headers it does not turn into object
metadata on with each request (``GetNonMetadataHeaders``), the XML API (``prefer_api = xml``,
or boto's own paths) applies it, so ``gsutil -h "x-goog-acl:public-read" cp f gs://b/o`` makes
the object public as ``gsutil cp -a public-read`` does (``public-read``, ``public-read-write``,
``authenticated-read``: anyone, or any Google account; ``bucket-owner-read`` and the others
are not public). gsutil's ``setmeta`` refuses such a header of its own ``-h``; read as
opening all the same (it opens nothing then, as it fails). A header whose name or value is
decided at run time (``-h "$H"``, ``-h "x-goog-acl:$A"``) may be that one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from keyturn.understand.shell.commands._az_generic_set import RUN_TIME_TEXT

__all__ = ["GsutilLine", "header_opening", "read_gsutil_line"]

_SHORT_VALUED = frozenset("ohiu")  # the others (``dDvm?q``) take none
_LONG = {
    **dict.fromkeys(("debug", "detailedDebug", "version", "option", "help"), False),
    **dict.fromkeys(("header", "multithreaded", "quiet", "testexceptiontraces"), False),
    **dict.fromkeys(("impersonate-service-account", "trace-token", "perf-trace-token"), True),
}
_ACL_HEADERS = frozenset({"x-goog-acl", "x-amz-acl"})
_PUBLIC = frozenset({"public-read", "public-read-write", "authenticated-read"})
# Verbs that send the line's headers with what they write (gsutil's
# ``COMMANDS_SUPPORTING_ALL_HEADERS``).
_WRITING = frozenset({"cp", "mv", "rsync", "setmeta"})


@dataclass(frozen=True)
class GsutilLine:
    """``verb`` and its words (``rest``, starting at index ``at`` of the line's arguments), and
    the headers given (``-h``). (Options getopt refuses are passed over: gsutil then runs
    nothing.)"""

    verb: str
    rest: list[str]
    at: int
    headers: list[str] = field(default_factory=list)


def read_gsutil_line(args: list[str]) -> GsutilLine | None:
    """The line ``gsutil ARGS`` split as gsutil reads it; None when it names no verb."""
    headers: list[str] = []
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "-":
        word = args[i]
        if word == "--":
            i += 1
            break
        if word.startswith("--"):
            name, eq, _ = word[2:].partition("=")
            found = [o for o in _LONG if o == name] or [o for o in _LONG if o.startswith(name)]
            if len(found) == 1 and _LONG[found[0]] and not eq:
                i += 1  # its value is the next word
            i += 1
            continue
        j = 1
        while j < len(word):
            letter = word[j]
            if letter in _SHORT_VALUED:
                value = word[j + 1 :]
                if not value:
                    i += 1
                    value = args[i] if i < len(args) else ""
                if letter == "h":
                    headers.append(value)
                break
            j += 1
        i += 1
    if i >= len(args):
        return None
    return GsutilLine(args[i], list(args[i + 1 :]), i + 1, headers)


def header_opening(line: GsutilLine) -> str | None:
    """Why the headers make what the call writes public (or, decided at run time, may); None
    when none does, or the verb sends none with what it writes."""
    if line.verb not in _WRITING:
        return None
    headers = list(line.headers)
    if line.verb == "setmeta":  # its own ``-h`` (gsutil refuses an ACL there: judged anyway)
        headers += [v for f, v in zip(line.rest, line.rest[1:], strict=False) if f == "-h"]
        headers += [w[2:] for w in line.rest if w.startswith("-h") and len(w) > 2]
    for header in headers:
        name, _, value = header.partition(":")
        shown = f"gsutil -h {header}"
        if RUN_TIME_TEXT.search(name) or (
            name.strip().lower() in _ACL_HEADERS and RUN_TIME_TEXT.search(value)
        ):
            return f"{shown}: decided at run time, it may make the objects written public"
        if name.strip().lower() in _ACL_HEADERS and value.strip().lower() in _PUBLIC:
            return f"{shown}: the objects written are public"
    return None
