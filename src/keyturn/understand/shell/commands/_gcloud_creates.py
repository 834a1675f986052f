"""gcloud creates that open data which already exists to the world.

A new store opens nothing that exists: ``gcloud sql instances create x
--authorized-networks=0.0.0.0/0`` or ``gcloud storage buckets create gs://x
--no-public-access-prevention`` let the world into an empty store (a create, judged as one).
Two creates do not start empty (gcloud 528's ``--help``):

- ``gcloud sql instances create REPLICA --master-instance-name=PRIMARY`` makes a read replica:
  a copy of the primary's data, kept in step with it. Letting every address in
  (``--authorized-networks=0.0.0.0/0``, or a list decided at run time: :mod:`._gcloud_networks`)
  opens the primary's data to the world.
- ``gcloud alloydb instances create INSTANCE --cluster=CLUSTER`` adds an instance to an
  existing cluster, serving the cluster's databases: ``--authorized-external-networks`` of
  every address opens the cluster's data.

Either is judged as opening the existing store (``removes_protection`` on the primary or the
cluster: refused when it is protected, an update elsewhere), besides the create.

Not here: ``sql instances clone`` copies the source's settings with its data (gcloud: "an
independent copy of the source instance with the same data and settings"), so it opens only
what the source already does; a restore onto another instance (``sql backups restore``,
``sql instances restore-backup``) writes over that instance (:mod:`._gcloud_protection`), whose
own networks are not told on the line.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from keyturn.understand.shell.commands._az_gcloud_words import Flags, last
from keyturn.understand.shell.commands._gcloud_networks import authorized_networks

__all__ = ["create_openings"]

# (group, the flag naming the existing store, the path it is named under)
_SOURCES: dict[tuple[str, ...], tuple[str, str, str]] = {
    ("sql", "instances"): ("master-instance-name", "sql/instances", "a read replica of"),
    ("alloydb", "instances"): ("cluster", "alloydb/clusters", "an instance serving the data of"),
}


def create_openings(
    group: Sequence[str],
    verb: str,
    flags: Flags,
    args: Sequence[str],
    *,
    named: Callable[[str, str], list[str]],
) -> list[tuple[list[str], str]]:
    """The existing stores a create opens to the world: (their names, why) for each; none for
    other calls. ``args``: the call's words as given (the networks are read from them)."""
    source = _SOURCES.get(tuple(group))
    if verb != "create" or source is None:
        return []
    flag, path, what = source
    existing = last(flags, flag)
    if not existing:
        return []
    why = authorized_networks([], args)[1]
    if why is None:
        return []
    return [(named(path, existing), f"{what} {existing}: {why}")]
