"""gcloud and gsutil calls that switch a protection off, or destroy, without the verb saying so
(flags as the gcloud reference gives them):

- Cloud Storage's protections: ``gcloud storage buckets update --clear-retention-period``,
  ``--clear-soft-delete``, ``--soft-delete-duration=0``, ``--no-versioning``,
  ``--no-default-event-based-hold``; ``gcloud storage objects update --clear-retention``,
  ``--no-event-based-hold``, ``--no-temporary-hold``; ``gsutil retention clear``, ``gsutil
  retention temp|event release``, ``gsutil versioning set off``: the protection removed.
- Uniform bucket-level access off (``gcloud storage buckets update
  --no-uniform-bucket-level-access``, ``gsutil ubla|bucketpolicyonly set off``): the guard that
  keeps object ACLs from granting access is switched off, and the ACLs the objects still carry
  (which may let anyone in; the line does not tell) count again -- a protection removed, as
  versioning off is (a bucket created without it changes no protection).
- ``gcloud resource-manager liens delete``: a lien keeps its project from being deleted, so
  removing one removes the project's protection (``gcp:projects/<project>``).
- ``gcloud sql instances restore-backup INSTANCE`` and ``gcloud sql backups restore ID
  --restore-instance INSTANCE``: the backup overwrites the instance's data (a replace of it).
- ``gcloud deployment-manager deployments delete|update`` with ``--delete-policy`` ``delete``
  (its default): the resources of the deployment (every one, or those the new config drops)
  are deleted: ``gcp:deployment-manager/deployments/<name>/*``.
- What lives inside another resource is named inside it too: ``gcloud sql databases delete db1
  --instance main`` is also ``gcp:sql/instances/main/databases/db1`` (``--instance`` of sql,
  spanner and bigtable groups, ``--cluster`` of container node pools, ``--keyring`` of kms
  keys), so a pattern for the instance's contents holds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from keyturn.model import EffectKind

_ZERO = frozenset({"0", "0s", "0d"})
# (flag, the detail) -- given at all, each removes a protection.
_STORAGE_OFF = {
    "clear-retention-period": "clears the bucket's retention policy",
    "clear-soft-delete": "switches soft delete off",
    "no-versioning": "switches object versioning off",
    "no-default-event-based-hold": "switches the default event-based hold off",
    "clear-retention": "clears the object's retention",
    "no-event-based-hold": "releases the object's event-based hold",
    "no-temporary-hold": "releases the object's temporary hold",
}
# Uniform bucket-level access makes the objects' ACLs void (Google: it "prevents unintended data
# exposure from ACLs"); switched off, the ACLs the objects still carry count again.
_UBLA_OFF = "switches uniform bucket-level access off: the objects' own ACLs count again"
_UBLA = "uniform-bucket-level-access"
_FALSE = frozenset({"false", "no", "0", "off"})
# The parent flag of a nested group and the group path of the parent.
_PARENTS: dict[tuple[str, ...], tuple[str, str]] = {
    ("sql", "databases"): ("instance", "sql/instances"),
    ("sql", "users"): ("instance", "sql/instances"),
    ("sql", "backups"): ("instance", "sql/instances"),
    ("spanner", "databases"): ("instance", "spanner/instances"),
    ("bigtable", "instances", "tables"): ("instance", "bigtable/instances"),
    ("bigtable", "clusters"): ("instance", "bigtable/instances"),
    ("container", "node-pools"): ("cluster", "container/clusters"),
    ("kms", "keys"): ("keyring", "kms/keyrings"),
    ("secrets", "versions"): ("secret", "secrets"),
}
Named = Callable[[str, str], list[str]]


def storage_unprotects(group: Sequence[str], flags: dict[str, list[str]]) -> str | None:
    """Why a ``gcloud storage buckets|objects update`` removes a protection, or None."""
    if list(group[:1]) != ["storage"]:
        return None
    said = [detail for flag, detail in _STORAGE_OFF.items() if flag in flags]
    if f"no-{_UBLA}" in flags or any(v.strip().lower() in _FALSE for v in flags.get(_UBLA, [])):
        said.append(f"--no-{_UBLA}: {_UBLA_OFF}")
    if any(v.strip().lower() in _ZERO for v in flags.get("soft-delete-duration", [])):
        said.append("--soft-delete-duration 0: switches soft delete off")
    return "; ".join(said) or None


def gsutil_unprotects(verb: str, rest: Sequence[str]) -> str | None:
    """Why a ``gsutil retention|versioning`` call removes a protection, or None."""
    words = [w.lower() for w in rest if not w.startswith(("-", "gs://"))]
    if verb == "retention" and words[:1] == ["clear"]:
        return "gsutil retention clear: removes the bucket's retention policy"
    if verb == "retention" and words[:1] in (["temp"], ["event"]) and words[1:2] == ["release"]:
        return f"gsutil retention {words[0]} release: releases the objects' hold"
    if verb == "versioning" and words[:2] == ["set", "off"]:
        return "gsutil versioning set off: switches object versioning off"
    if verb in ("ubla", "bucketpolicyonly") and words[:1] == ["set"] and words[1:2] != ["on"]:
        return f"gsutil {' '.join([verb, *words[:2]])}: {_UBLA_OFF}"  # off, or read closed
    return None


def special_verb(
    group: Sequence[str], verb: str, flags: dict[str, list[str]]
) -> tuple[EffectKind, str, bool] | None:
    """(the effect, why, whether it removes a protection) of a verb whose name does not say
    what it does; None for the others."""
    path = tuple(group)
    if path == ("resource-manager", "liens") and verb == "delete":
        return EffectKind.UPDATE, "removes a lien: the project may then be deleted", True
    if (path, verb) in ((("sql", "instances"), "restore-backup"), (("sql", "backups"), "restore")):
        return (
            EffectKind.REPLACE,
            "restores a backup over the instance: its data is replaced",
            False,
        )
    return None


def restored_instances(
    group: Sequence[str], verb: str, names: list[str], flags: dict[str, list[str]]
) -> list[str]:
    """The instance a Cloud SQL restore overwrites (``--restore-instance``, else the operand)."""
    if tuple(group) == ("sql", "backups"):
        return flags.get("restore-instance", [])[-1:] or ["*"]
    return names or ["*"]


def deployment_deletes(
    group: Sequence[str], verb: str, names: Sequence[str], flags: dict[str, list[str]]
) -> list[str]:
    """What a Deployment Manager delete or update deletes (``--delete-policy`` defaults to
    ``delete``; ``abandon`` keeps the resources): the deployment's resources."""
    if tuple(group) != ("deployment-manager", "deployments") or verb not in ("delete", "update"):
        return []
    policy = (flags.get("delete-policy") or ["delete"])[-1].lower()
    if policy != "delete":
        return []
    return [f"gcp:deployment-manager/deployments/{n}/*" for n in names or ["*"]]


def inner_names(
    group: Sequence[str], word: str, flags: dict[str, list[str]], named: Named
) -> list[str]:
    """The names of ``word`` inside its parent (``--instance``, ``--cluster``...), if given."""
    parent = _PARENTS.get(tuple(group))
    if parent is None:
        return []
    flag, path = parent
    given = flags.get(flag, [])[-1:]
    if not given or not given[0]:
        return []
    return named(f"{path}/{given[0]}/{group[-1]}", word)
