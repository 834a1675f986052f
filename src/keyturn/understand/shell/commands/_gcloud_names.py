"""How gcloud words name resources: release tracks, full resource paths, protection flags.

``gcloud beta sql instances delete main`` deletes what ``gcloud sql instances delete main``
does, and ``projects/acme-prod/zones/z/instances/web-1`` (or the API's URL of it) is the
instance ``web-1`` of project ``acme-prod``: both are named as the short form is, so that a
pattern written for one holds for the other.

A Cloud Storage URL's ``[…]`` is a wildcard set, as ``*`` and ``?`` are (gcloud storage's and
gsutil's URI wildcards: ``[CHARACTERS]``, ``[CHARACTER_RANGE]``, in a bucket's name too):
``gsutil rm -r "gs://prod-[d]ata"`` deletes ``gs://prod-data``. Such a URL is also named with
each set as ``?``, the one character it matches, so that it reaches what a protected pattern
names as ``gs://prod-d?ta`` does (the policy reads ``*`` and ``?`` only), quoted or not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from keyturn.model import Effect, Resource
from keyturn.understand.shell.registry import evolve

RELEASE_TRACKS = frozenset({"alpha", "beta", "preview"})
# Flags that switch a resource's deletion protection off (Cloud SQL, Compute Engine, Bigtable,
# GKE: --no-deletion-protection; Firestore: --no-delete-protection; Spanner databases:
# --no-enable-drop-protection; GKE, fail closed: --no-enable-deletion-protection), also spelt
# ``--deletion-protection=false``.
_PROTECTION_FLAGS = (
    *("deletion-protection", "delete-protection", "enable-drop-protection"),
    "enable-deletion-protection",
)


def unprotects(flags: dict[str, list[str]]) -> bool:
    """Whether the flags turn a deletion protection off."""
    for name in _PROTECTION_FLAGS:
        if f"no-{name}" in flags:
            return True
        if any(v.lower() in ("false", "no", "0", "off") for v in flags.get(name, [])):
            return True
    return False


# ``projects/P/zones/Z/instances/NAME`` or the API's URL of it: gcloud takes either for NAME.
_RESOURCE_PATH = re.compile(r"(?:https?://[^/]+/(?:[^/]+/)*?)?projects/([^/]+)(?:/[^/]+)*/([^/]+)")


def resource_name(word: str) -> tuple[str, str | None]:
    """The name a resource word stands for, and the project it names, if any: a full resource
    path or URL names the resource by its last part, as the short name does."""
    found = _RESOURCE_PATH.fullmatch(word.rstrip("/"))
    if found is None:
        return word, None
    return found.group(2), found.group(1)


def gcp_names(
    path: str,
    word: str,
    *,
    project: str | None,
    configuration: str | None,
    projectless: bool = False,
) -> list[str]:
    """The names of the resource ``word`` of the group path ``path`` (``sql/instances``):
    ``gcp:<path>/<name>`` (a ``gs://`` URL: itself), in its project (the word's own, else
    ``project``) and in the named configuration, so that ``gcp:<project>/*`` holds for what the
    project holds. ``projectless``: a project or a configuration setting, in no project."""
    name, named_project = resource_name(word)
    names = [name] if name.startswith("gs://") else [f"gcp:{path}/{name}"]
    in_project = None if projectless else named_project or project
    if in_project:
        names.append(f"gcp:{in_project}/{path}/{name}")
    if configuration and not named_project:
        names.append(f"gcp:configurations/{configuration}/{path}/{name}")
    return names


# A wildcard set: ``[`` then an optional ``!``/``^``, a ``]`` taken as a member when first, and
# the members up to the closing ``]``.
_WILDCARD_SET = re.compile(r"\[[!^]?\]?[^\]]*\]")


def with_wildcard_sets(effects: Sequence[Effect]) -> list[Effect]:
    """``effects``, each ``gs://`` name holding a wildcard set also named with each set as
    ``?`` (``gs://prod-[d]ata`` also ``gs://prod-d?ta``)."""
    out = []
    for effect in effects:
        names = effect.resource.names
        sets = [_WILDCARD_SET.sub("?", n) for n in names if n.startswith("gs://") and "[" in n]
        added = tuple(dict.fromkeys((*names, *sets)))
        if added != names:
            effect = evolve(effect, resource=Resource(added, type=effect.resource.type))
        out.append(effect)
    return out
