"""Which resources a Terraform configuration file protects with ``prevent_destroy``, read as
Terraform reads the file -- not as text.

A resource is protected when its ``lifecycle`` block sets ``prevent_destroy`` to ``true``
(``resource "T" "N" { lifecycle { prevent_destroy = true } }``). A search of the raw text for
``prevent_destroy = true`` also finds it in a comment (``#``, ``//``, ``/* */``), a string or a
heredoc, where Terraform does not: commenting the line out would keep the protection in
keyturn's eyes while the next plan may destroy the resource. So the native syntax (``.tf``,
``.tofu``) is scanned the way HCL's scanner does it (comments, quoted templates with their
``${…}`` interpolations, heredocs), and the JSON syntax (``.tf.json``, ``.tofu.json``) is
parsed as JSON.

A change is judged on what it leaves (:func:`dropped_protection`), failing closed:

- a file whose new text cannot be read (an unterminated comment, string or heredoc, unbalanced
  braces, broken JSON) or is not known at all protects nothing;
- in the new text only a literal ``true`` protects; in the old text anything but a literal
  ``false`` counts (``prevent_destroy = !false``), and an old text that cannot be read is
  searched as text (what it may protect is never taken away).

A write can also take away what *another* file of the module protects
(:func:`dropped_elsewhere`): Terraform merges an override file (``override.tf``,
``*_override.tf`` and their JSON and OpenTofu forms) over the module's other files, and a
``prevent_destroy`` it sets replaces theirs (``internal/configs/module_merge.go``:
``if or.Managed.PreventDestroySet``); OpenTofu ignores ``X.tf`` (``X.tf.json``) when the
directory holds ``X.tofu`` (``X.tofu.json``: ``filterTfPathsWithTofuAlternatives``).

How a text's settings are read, in either syntax, is :mod:`._hcl_settings`.
"""

from __future__ import annotations

import re

from keyturn.understand import FileReader
from keyturn.understand._hcl_settings import _UNCOMPARED, Setting, _settings

__all__ = [
    "TERRAFORM_READ_LIMIT",
    "TERRAFORM_SUFFIXES",
    "dropped_elsewhere",
    "dropped_protection",
    "is_terraform_file",
    "protected_addresses",
    "protection_detail",
]

# The files Terraform and OpenTofu load as configuration (OpenTofu's own suffixes too).
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tofu", ".tofu.json")
# A Terraform file is read whole (up to the largest event a hook takes): a protected block
# past the usual 1 MB read limit must not drop out of sight.
TERRAFORM_READ_LIMIT = 16 << 20


def is_terraform_file(path: str) -> bool:
    """Whether ``path`` (a path or a ``file:`` name) is a Terraform configuration file. Without
    regard to case: on macOS's and Windows' file systems ``MAIN.TF`` is ``main.tf``."""
    return path.lower().endswith(TERRAFORM_SUFFIXES)


def _is_json(path: str) -> bool:
    return path.lower().endswith(".json")


def protected_addresses(text: str, *, json_syntax: bool = False) -> set[str] | None:
    """Addresses (``T.N``) whose ``resource`` block in ``text`` sets ``prevent_destroy = true``
    in its ``lifecycle`` block; ``""`` for a fragment that sets it outside any resource block
    (an edit's own text: which resource it belongs to is not told). ``None`` when the text
    cannot be read as Terraform reads it (a text that never names the attribute is not
    scanned: it protects nothing either way)."""
    found = _settings(text, json_syntax=json_syntax, fragment=False)
    if found is None:
        return None
    return {address for address, value in found if value == "true"}


def dropped_protection(
    path: str, before: str | None, after: str | None, *, fragments: bool = False
) -> set[str]:
    """The addresses whose protection goes when the file ``path`` holding ``before`` comes to
    hold ``after`` (``None``: rewritten in a way not known). ``fragments``: the texts are an
    edit's own old and new parts, not whole files. Empty for a file that is not Terraform's,
    or was not there (``before`` None)."""
    if before is None or not is_terraform_file(path):
        return set()
    json_syntax = _is_json(path)
    old = _settings(before, json_syntax=json_syntax, fragment=fragments)
    held = _held(before, old, json_syntax=json_syntax)
    if not held or after is None:
        return held
    new = _settings(after, json_syntax=json_syntax, fragment=fragments)
    if new is None:
        return held
    # A literal true keeps the protection; so does an expression left as it was (``!false``).
    unchanged = {(a, v) for a, v in old or () if v not in ("false", _UNCOMPARED)}
    return held - {a for a, v in new if v == "true" or (a, v) in unchanged}


def dropped_elsewhere(path: str, after: str | None, files: FileReader) -> set[str]:
    """The addresses protected in the module's other files whose protection goes when the file
    ``path`` comes to hold ``after`` (``None``: not known): an override file's resource blocks
    that set ``prevent_destroy`` to anything but a literal ``true`` (any of them, when its text
    is not known or cannot be read), and the text of the ``.tf`` file an OpenTofu file of the
    same name hides (module docstring)."""
    folder, _, name = path.rpartition("/")
    lower = name.lower()
    if not is_terraform_file(lower):
        return set()
    dropped: set[str] = set()
    for tofu, tf in ((".tofu.json", ".tf.json"), (".tofu", ".tf")):
        if lower.endswith(tofu):
            hidden = path[: -len(tofu)] + tf
            dropped |= dropped_protection(hidden, _read(files, hidden), after)
            break
    if not _is_override(lower):
        return dropped
    overriding = _set_otherwise(after, json_syntax=_is_json(lower))
    if overriding == set():
        return dropped
    for other in files.list_dir(folder or "/") or ():
        there = f"{folder}/{other}"
        if there == path or not is_terraform_file(other):
            continue
        held = dropped_protection(there, _read(files, there), None)
        dropped |= held if overriding is None else held & overriding
    return dropped


def _read(files: FileReader, path: str) -> str | None:
    return files.read_text(path, limit=TERRAFORM_READ_LIMIT)


def _is_override(name: str) -> bool:
    """Terraform's test (``parser_config_dir.go``): the name less its suffix is ``override``
    or ends with ``_override``."""
    for suffix in (".tofu.json", ".tf.json", ".tofu", ".tf"):
        if name.endswith(suffix):
            base = name[: -len(suffix)]
            return base == "override" or base.endswith("_override")
    return False


def _set_otherwise(text: str | None, *, json_syntax: bool) -> set[str] | None:
    """The addresses whose ``prevent_destroy`` ``text`` sets to anything but a literal
    ``true``; ``None`` (any) when the text is not known or cannot be read."""
    found = None if text is None else _settings(text, json_syntax=json_syntax, fragment=False)
    if found is None:
        return None
    return {address for address, value in found if value != "true"}


def protection_detail(dropped: set[str], *, known: bool) -> str:
    """The words for an effect that switches the protection of ``dropped`` off."""
    what = ", ".join(sorted(a or "a resource" for a in dropped))
    if known:
        return f"removes prevent_destroy from {what}"
    return f"may remove prevent_destroy from {what} (what the file holds after is not known)"


def _held(text: str, found: list[Setting] | None, *, json_syntax: bool) -> set[str]:
    """What ``text`` (the old text, whose settings are ``found``) protects: anything but a
    literal ``false`` counts, and a text that cannot be read is searched as text."""
    if found is None:
        return _searched(text, json_syntax=json_syntax)
    return {address for address, value in found if value != "false"}


_RESOURCE_HEADER = re.compile(r'^\s*resource\s+"([^"]+)"\s+"([^"]+)"', re.MULTILINE)
_SET_TRUE = re.compile(r"prevent_destroy\s*=\s*true")
_JSON_SET_TRUE = re.compile(r'"prevent_destroy"\s*:\s*true')


def _searched(text: str, *, json_syntax: bool) -> set[str]:
    """The addresses a text search finds protected (comments and all): for a text that does
    not parse, so that what it may protect is still counted."""
    if json_syntax:
        return {""} if _JSON_SET_TRUE.search(text) else set()
    found: set[str] = set()
    headers = list(_RESOURCE_HEADER.finditer(text))
    for i, header in enumerate(headers):
        end = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        if _SET_TRUE.search(text, header.end(), end):
            found.add(f"{header.group(1)}.{header.group(2)}")
    if not headers and _SET_TRUE.search(text):
        found.add("")
    return found
