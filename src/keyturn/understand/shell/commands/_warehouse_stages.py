"""Snowflake's stage statements: ``LIST``/``LS``, ``PUT``, ``GET``, ``REMOVE``/``RM``,
``DROP STAGE`` and ``COPY INTO`` (loading a table from a stage, or unloading into one).

A stage is named ``db:snowflake/<database>/stage:<name>`` (``stage:%<table>`` for a table's
stage, ``stage:~`` for the user's); a stage path (``@s/2024/``) names the stage.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from keyturn.model import Effect, EffectKind
from keyturn.understand.sql.parsing import (
    closing,
    is_punct,
    is_word,
    name_at,
    skip_if_exists,
    top_index,
)
from keyturn.understand.sql.statements import classify
from keyturn.understand.sql.tokens import Token

if TYPE_CHECKING:
    from keyturn.understand.shell.commands._warehouse_sql import WarehouseSession

_E = EffectKind


def stage_at(tokens: list[Token], i: int) -> tuple[list[str] | None, int]:
    """The stage named at ``i`` (``@name``, ``@db.sch.name/path``, ``@%t``, ``@~``, or a
    quoted ``'@name/path'``) as name parts, and the index after its name."""
    if i < len(tokens) and tokens[i].kind == "string" and tokens[i].text.startswith("@"):
        name = tokens[i].text[1:].split("/", 1)[0]
        return ([p for p in name.split(".") if p] or ["~"]), i + 1
    if not is_punct(tokens, i, "@"):
        return None, i
    if is_punct(tokens, i + 1, "~"):
        return ["~"], i + 2
    prefix = "%" if is_punct(tokens, i + 1, "%") else ""
    parts, j = name_at(tokens, i + 1 + len(prefix))
    if not parts:
        return None, i
    return [*parts[:-1], prefix + parts[-1]], j


def _find_stage(tokens: list[Token], start: int) -> tuple[list[str] | None, int]:
    for k in range(start, len(tokens)):
        parts, j = stage_at(tokens, k)
        if parts is not None:
            return parts, j
    return None, len(tokens)


def _on_stage(kind: EffectKind, detail: str = "") -> Callable[..., list[Effect] | None]:
    """``VERB @stage ...``: ``kind`` on the stage (the first one named)."""

    def judge(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
        op = tokens[0].text.upper()
        parts, _ = _find_stage(tokens, 1)
        if parts is None:
            return [s.unknown(f"{op} of a stage not understood", op)]
        return [s.effect(kind, s.stage_resource(parts), op, detail)]

    return judge


def _get(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """``GET @stage file://dir``: reads the stage, writes the files on this machine."""
    found = _on_stage(_E.READ)(tokens, s) or []
    why = "GET writes the files it downloads into a local directory"
    return [*found, s.unknown(why, "GET")]


def _drop(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """``DROP STAGE [IF EXISTS] name`` (other DROPs: the SQL understanding's)."""
    if not is_word(tokens, 1, "stage"):
        return None
    parts, _ = name_at(tokens, skip_if_exists(tokens, 2))
    if not parts:
        return [s.unknown("DROP STAGE without a name", "DROP STAGE")]
    return [s.effect(_E.DELETE, s.stage_resource(parts), "DROP STAGE", "and the files in it")]


def _copy(tokens: list[Token], s: WarehouseSession) -> list[Effect] | None:
    """``COPY INTO t FROM @stage|'url'|(query)`` loads rows (``PURGE = TRUE`` then removes the
    stage's files); ``COPY INTO @stage|'url' FROM t|(query)`` unloads into files."""
    if not is_word(tokens, 1, "into"):
        return None
    stage, _ = stage_at(tokens, 2)
    source = top_index(tokens, "from", 2)
    if stage is not None or (len(tokens) > 2 and tokens[2].kind == "string"):
        if stage is None:
            out = [s.unknown("unloads into files at an external location", "COPY INTO")]
        else:
            detail = "unloads into files"
            out = [s.effect(_E.UPDATE, s.stage_resource(stage), "COPY INTO", detail)]
        return out + _source(tokens, source, s)
    table, _ = name_at(tokens, 2)
    if not table:
        return [s.unknown("COPY INTO of something not understood", "COPY INTO")]
    out = [s.effect(_E.CREATE, s.object_resource(table, "table"), "COPY INTO", "loads files")]
    loaded, _ = stage_at(tokens, source + 1) if source >= 0 else (None, 0)
    if loaded is not None:
        out.append(s.effect(_E.READ, s.stage_resource(loaded), "COPY INTO"))
        if _purges(tokens):
            detail = "PURGE = TRUE removes the loaded files"
            out.append(s.effect(_E.DELETE, s.stage_resource(loaded), "COPY INTO", detail))
    elif source >= 0 and is_punct(tokens, source + 1, "("):
        out += _source(tokens, source, s)
    return out


def _purges(tokens: list[Token]) -> bool:
    at = top_index(tokens, "purge")
    return at >= 0 and is_punct(tokens, at + 1, "=") and not is_word(tokens, at + 2, "false")


def _source(tokens: list[Token], source: int, s: WarehouseSession) -> list[Effect]:
    """What ``FROM`` reads: a table, or a query judged as one."""
    if source < 0:
        return []
    if is_punct(tokens, source + 1, "("):
        end = closing(tokens, source + 1)
        inner = tokens[source + 2 : end]
        return classify(inner, s) if inner else []
    parts, _ = name_at(tokens, source + 1)
    if parts:
        return [s.effect(_E.READ, s.object_resource(parts, "table"), "COPY INTO")]
    stage, _ = stage_at(tokens, source + 1)
    return [s.effect(_E.READ, s.stage_resource(stage), "COPY INTO")] if stage else []


STAGE_STATEMENTS: dict[str, Callable[..., list[Effect] | None]] = {
    "list": _on_stage(_E.READ),
    "ls": _on_stage(_E.READ),
    "put": _on_stage(_E.UPDATE, "uploads local files"),
    "get": _get,
    "remove": _on_stage(_E.DELETE, "removes staged files"),
    "rm": _on_stage(_E.DELETE, "removes staged files"),
    "drop": _drop,
    "copy": _copy,
}
