"""The networks a Cloud SQL or AlloyDB instance lets in: ``gcloud sql instances create|patch
--authorized-networks=CIDR,...`` and ``gcloud alloydb instances create|update
--authorized-external-networks=CIDR,...`` (gcloud 528's ``--help``: a comma-separated list of
CIDR ranges that may connect to the instance's public address). A range wider than a ``/8``
(``0.0.0.0/0``) lets in every address: the instance is opened to the world, which removes its
protection (docs/security.md, "Opening a store to the world removes its protection"), as an az
firewall rule of every address does (:mod:`._az_firewall`, whose reading of a range is used).

A list decided at run time (``--authorized-networks="$NETS"``) may be ``0.0.0.0/0``: judged as
opening the instance, as the AWS CLI's ``modify-db-instance --publicly-accessible`` value given
at run time is (:mod:`keyturn.understand.aws.run_time_exposure`). A range not read as one
(a typo gcloud refuses) opens nothing; ``--clear-authorized-networks`` narrows.

gcloud reads these flags with their value attached (``--authorized-networks=X``) or as the next
word; the words of the line name no resource then, and are left out of those the call names.
"""

from __future__ import annotations

from collections.abc import Sequence

from keyturn.understand.shell.commands._az_firewall import cidr_opening
from keyturn.understand.shell.commands._az_generic_set import RUN_TIME_TEXT

__all__ = ["authorized_networks"]

_FLAGS = ("--authorized-networks", "--authorized-external-networks")


def authorized_networks(names: Sequence[str], args: Sequence[str]) -> tuple[list[str], str | None]:
    """``names`` (the call's positional words) without the lists of ``args`` given as their
    own word, and why a list lets every address in (or, decided at run time, may); None when
    none does."""
    out, why = list(names), None
    for i, arg in enumerate(args):
        flag, eq, given = arg.partition("=")
        if flag not in _FLAGS:
            continue
        if not eq:
            if i + 1 >= len(args) or args[i + 1].startswith("-"):
                continue
            given = args[i + 1]
            if given in out:
                out.remove(given)
        why = why or _opening(flag, given)
    return out, why


def _opening(flag: str, given: str) -> str | None:
    if RUN_TIME_TEXT.search(given):
        return f"{flag}={given}: decided at run time, it may let in every address"
    for cidr in (c.strip() for c in given.split(",") if c.strip()):
        wide = cidr_opening(cidr)
        if wide:
            return f"{flag}={cidr}: {wide}"
    return None
