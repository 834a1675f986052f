"""gcloud and gsutil calls that open a resource's data to anyone on the internet: judged as
removing the resource's protection (``removes_protection``), as switching its deletion
protection or retention off is. Whoever may read a protected bucket's data from anywhere may
copy it away; that loss is not undone by switching the access back, so it is held at least as
strictly as a protection removed: refused on a protected resource, judged as any update
elsewhere. (Flags as ``gcloud … --help`` of gcloud 528 and ``gsutil help`` give them.)

- Public access prevention off: ``gcloud storage buckets update --no-public-access-prevention``
  (or ``--clear-pap``/``--clear-public-access-prevention``; a value other than enforced, such
  as ``--public-access-prevention=inherited``, which gcloud 528 refuses but is read closed);
  ``gsutil pap set inherited|unspecified`` (any value but ``enforced``).
- The world given a role: an ``add-iam-policy-binding`` (of any group: a bucket, a Cloud Run
  service, a function...) with ``--member=allUsers`` or ``allAuthenticatedUsers`` (any Google
  account: as public); ``gsutil iam ch allUsers:objectViewer gs://b`` (not ``-d``).
- A public ACL: ``--predefined-acl``/``--canned-acl``/``-a`` or
  ``--predefined-default-object-acl`` ``publicRead``, ``publicReadWrite``,
  ``authenticatedRead``; ``--add-acl-grant``/``--add-default-object-acl-grant`` for
  ``entity=allUsers``; ``gsutil acl|defacl set public-read``, ``gsutil acl|defacl ch -u|-g
  AllUsers:R``, ``gsutil cp|mv|rsync -a public-read`` (the objects written are public).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from keyturn.model import Effect
from keyturn.understand.openings import opening
from keyturn.understand.shell.commands._az_gcloud_words import Flags

_PUBLIC_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})
# Predefined ACLs that let anyone (or any Google account) in, spelt without case, ``-`` or ``_``
# (gcloud's ``publicRead``, gsutil's ``public-read``).
_PUBLIC_ACLS = frozenset({"publicread", "publicreadwrite", "authenticatedread"})
_ACL_FLAGS = ("predefined-acl", "canned-acl", "predefined-default-object-acl")
_GRANT_FLAGS = ("add-acl-grant", "add-default-object-acl-grant")
_PAP_OFF = ("no-public-access-prevention", "clear-pap", "clear-public-access-prevention")
_ON = frozenset({"", "true", "enforced"})


def _plain(word: str) -> str:
    return word.strip().lower().replace("-", "").replace("_", "")


def public_acl(flags: Flags) -> str | None:
    """Why the flags make what the call writes public (a predefined ACL or a grant), or None."""
    for flag in _ACL_FLAGS:
        for value in flags.get(flag, []):
            if _plain(value) in _PUBLIC_ACLS:
                return f"--{flag}={value}: makes the data public"
    for flag in _GRANT_FLAGS:
        for value in flags.get(flag, []):
            fields = dict(part.partition("=")[::2] for part in value.split(","))
            if _plain(fields.get("entity", "")) in _PUBLIC_MEMBERS:
                return f"--{flag}={value}: makes the data public"
    return None


def gcloud_exposes(group: Sequence[str], verb: str, flags: Flags) -> str | None:
    """Why a gcloud call opens its resource to the world, or None."""
    if verb.startswith("add-") and verb.endswith("-policy-binding"):
        for member in flags.get("member", []):
            if _plain(member) in _PUBLIC_MEMBERS:
                return f"--member={member}: grants anyone on the internet access"
    if list(group[:1]) != ["storage"] or verb in ("describe", "list"):
        return None
    for flag in _PAP_OFF:
        if flag in flags:
            return f"--{flag}: switches public access prevention off"
    for flag in ("public-access-prevention", "pap"):
        for value in flags.get(flag, []):
            if value.strip().lower() not in _ON:
                return f"--{flag}={value}: switches public access prevention off"
    return public_acl(flags)


def gsutil_exposes(verb: str, rest: Sequence[str]) -> str | None:
    """Why a gsutil call opens a bucket or its objects to the world, or None."""
    words = [w for w in rest if not w.startswith(("-", "gs://"))]
    sub = words[0].lower() if words else ""
    if verb == "pap" and sub == "set" and len(words) > 1 and words[1].lower() != "enforced":
        return f"gsutil pap set {words[1]}: switches public access prevention off"
    if verb == "iam" and sub == "ch":
        for grant in _grants(rest, removing="-d", valued=("-e",)):
            if _plain(grant.partition(":")[0]) in _PUBLIC_MEMBERS:
                return f"gsutil iam ch {grant}: grants anyone on the internet access"
    given = words[1] if len(words) > 1 else ""
    if verb in ("acl", "defacl") and sub == "set" and _plain(given) in _PUBLIC_ACLS:
        return f"gsutil {verb} set {given}: makes the data public"
    if verb in ("acl", "defacl") and sub == "ch":
        for flag, value in pairwise(rest):
            if flag in ("-u", "-g") and _plain(value.partition(":")[0]) in _PUBLIC_MEMBERS:
                return f"gsutil {verb} ch {flag} {value}: makes the data public"
    if verb in ("cp", "mv", "rsync"):
        for flag, value in pairwise(rest):
            if flag == "-a" and _plain(value) in _PUBLIC_ACLS:
                return f"gsutil {verb} -a {value}: the objects written are public"
    return None


def _grants(rest: Sequence[str], *, removing: str, valued: Sequence[str]) -> list[str]:
    """The grants of ``gsutil iam ch`` (``MEMBER:ROLE`` words; those after ``-d`` remove)."""
    out: list[str] = []
    skip = False
    for i, word in enumerate(rest):
        if skip:
            skip = False
            continue
        if word == removing or word in valued:
            skip = True
            continue
        if i == 0 or word.startswith(("-", "gs://")):
            continue  # ``ch`` itself, a flag, a bucket
        out.append(word)
    return out


def exposing(effects: list[Effect], why: str) -> list[Effect]:
    """``effects`` on Cloud Storage (``gs://`` names) that write, as opening the data to the
    world: they remove the resources' protection."""
    return opening(
        effects, why, where=lambda e: any(n.startswith("gs://") for n in e.resource.names)
    )


def _on_cloud_storage(effect: Effect) -> bool:
    return any(n.startswith("gs://") for n in effect.resource.names)
