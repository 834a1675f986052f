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
- Any of these given a value decided at run time (``--member="$WHO"``, ``--predefined-acl=$A``,
  ``gsutil iam ch "$M":objectViewer``, ``gsutil acl ch -u "$U":R``, ``gsutil cp -a "$A"``): the
  value may be ``allUsers`` or ``publicRead``, so the call may open the resource, and is judged
  as opening it, as the AWS CLI's ``put-bucket-acl --acl "$X"`` is
  (:mod:`keyturn.understand.aws.run_time_exposure`). Told by the text the shell leaves for it
  (``$X``, ``$(cmd)``: the shell reader keeps what it cannot decide as written); a role or an
  entity written out that is not the world (``user:ann@example.com:$ROLE``) opens nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from keyturn.model import Effect
from keyturn.understand.openings import opening
from keyturn.understand.shell.commands._az_gcloud_words import Flags
from keyturn.understand.shell.commands._az_generic_set import RUN_TIME_TEXT

_PUBLIC_MEMBERS = frozenset({"allusers", "allauthenticatedusers"})
# Predefined ACLs that let anyone (or any Google account) in, spelt without case, ``-`` or ``_``
# (gcloud's ``publicRead``, gsutil's ``public-read``).
_PUBLIC_ACLS = frozenset({"publicread", "publicreadwrite", "authenticatedread"})
_ACL_FLAGS = ("predefined-acl", "canned-acl", "predefined-default-object-acl")
_GRANT_FLAGS = ("add-acl-grant", "add-default-object-acl-grant")
_PAP_OFF = ("no-public-access-prevention", "clear-pap", "clear-public-access-prevention")
_ON = frozenset({"", "true", "enforced"})


_MAY = "decided at run time, it may grant anyone on the internet access"


def _plain(word: str) -> str:
    return word.strip().lower().replace("-", "").replace("_", "")


def _public_member(member: str) -> bool:
    """Whether ``member`` is (or, decided at run time, may be) the world."""
    return _plain(member) in _PUBLIC_MEMBERS or RUN_TIME_TEXT.search(member) is not None


def _public_acl_name(value: str) -> bool:
    """Whether the predefined ACL ``value`` is (or, decided at run time, may be) public."""
    return _plain(value) in _PUBLIC_ACLS or RUN_TIME_TEXT.search(value) is not None


def _why(given: str, value: str, what: str) -> str:
    return f"{given}: {_MAY if RUN_TIME_TEXT.search(value) else what}"


def public_acl(flags: Flags) -> str | None:
    """Why the flags make what the call writes public (a predefined ACL or a grant), or None."""
    for flag in _ACL_FLAGS:
        for value in flags.get(flag, []):
            if _public_acl_name(value):
                return _why(f"--{flag}={value}", value, "makes the data public")
    for flag in _GRANT_FLAGS:
        for value in flags.get(flag, []):
            fields = dict(part.partition("=")[::2] for part in value.split(","))
            entity = fields.get("entity", "")
            if _public_member(entity) or (RUN_TIME_TEXT.search(value) and "entity" not in fields):
                return _why(f"--{flag}={value}", value, "makes the data public")
    return None


def gcloud_exposes(group: Sequence[str], verb: str, flags: Flags) -> str | None:
    """Why a gcloud call opens its resource to the world, or None."""
    if verb.startswith("add-") and verb.endswith("-policy-binding"):
        for member in flags.get("member", []):
            if _public_member(member):
                return _why(f"--member={member}", member, "grants anyone on the internet access")
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
        grants = _grants(rest, removing="-d", valued=("-e",))
        for at, grant in enumerate(grants):
            # The last word may be the URL (``$BUCKET``): a grant has its ``:ROLE``.
            last = at == len(grants) - 1 and ":" not in grant and not _any_url(rest)
            if _public_grant(grant) and not (last and RUN_TIME_TEXT.search(grant)):
                return _why(f"gsutil iam ch {grant}", grant, "grants anyone on the internet access")
    given = words[1] if len(words) > 1 else ""
    if verb in ("acl", "defacl") and sub == "set" and _plain(given) in _PUBLIC_ACLS:
        return f"gsutil {verb} set {given}: makes the data public"
    if verb in ("acl", "defacl") and sub == "ch":
        for flag, value in pairwise(rest):
            if flag in ("-u", "-g") and _public_grant(value):
                return _why(f"gsutil {verb} ch {flag} {value}", value, "makes the data public")
    if verb in ("cp", "mv", "rsync"):
        for flag, value in pairwise(rest):
            if flag == "-a" and _public_acl_name(value):
                what = "the objects written are public"
                return _why(f"gsutil {verb} -a {value}", value, what)
    return None


def _any_url(rest: Sequence[str]) -> bool:
    return any(w.startswith("gs://") for w in rest)


def _public_grant(grant: str) -> bool:
    """Whether a ``MEMBER:ROLE`` grant gives the world a role: its member is the world, or
    holds text decided at run time (the member is all but the last ``:ROLE``; a grant of one
    part decided at run time may be ``allUsers:objectViewer`` whole)."""
    member, colon, _ = grant.rpartition(":")
    if _plain(grant.partition(":")[0]) in _PUBLIC_MEMBERS:
        return True
    return RUN_TIME_TEXT.search(member if colon else grant) is not None


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
