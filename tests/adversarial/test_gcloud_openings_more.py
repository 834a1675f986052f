"""More ``gcloud`` and ``gsutil`` lines that may open a protected store to the world, beyond the
values of opening options decided at run time (``test_cloud_run_time_openings.py``):

- an unquoted word decided at run time, which bash may split into any options
  (``gcloud storage buckets update gs://prod $OPTS``): every change of the call is ``unknown``,
  as the AWS CLI's and az's are; a read stays a read;
- a public ACL set through a header (``gsutil -h "x-goog-acl:public-read" cp …``);
- a URL decided at run time (``gsutil rm gs://scratch/x "$MORE"``, ``gsutil cp -a public-read
  f "$DEST"``): it may be a protected bucket's, and gets at least the verdict its name would;
- a create that opens existing data: a read replica of a protected instance, or an AlloyDB
  instance of a protected cluster, let in from every address.

Judged for agent ``codex`` acting for ``bob`` under the BRIEF policy with a few stores
protected, in ``dev`` (a plain update is allowed there, an ``unknown`` asked).

How the behaviour relied on was confirmed (Google Cloud SDK 528 and its bundled gsutil 5):
gsutil reads its global options with ``getopt.getopt(argv, 'dDvo:?h:i:u:mq', …)``
(``gslib/utils/arg_helper.py``), so ``-mh VALUE`` and ``-hVALUE`` give a header; headers that are
not object metadata go out with each request (``GetNonMetadataHeaders``), and ``x-goog-acl`` is
the XML API's predefined-ACL header (boto's ``acl_header``); gsutil's verbs read their own
options with ``getopt`` too (``cp``: ``a:AcDeIL:MNnpPrRs:tUvz:Zj:J``), which stops at the first
operand. ``gcloud sql instances create --master-instance-name`` makes a read replica of that
instance ("the newly created instance will be a read replica"); ``gcloud alloydb instances
create --cluster`` adds an instance to an existing cluster; ``gcloud sql instances clone``
copies the source's data *and settings*. Bash splits an unquoted ``$X`` (or ``--x=$V``) into
several words and keeps ``user:ann@example.com:"$R"`` one word.
"""

from __future__ import annotations

from typing import NamedTuple

from tests.adversarial._judging import (
    ALLOW,
    ASK,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    shown,
    understood_line,
)

from keyturn.model import Action, EffectKind
from keyturn.policy import Policy

PROTECTED = (
    "gs://prod",
    "gs://prod/*",
    "gcp:sql/instances/prod",
    "gcp:alloydb/clusters/prod",
)

policy = policy_protecting(*PROTECTED)


class Case(NamedTuple):
    id: str
    command: str
    expected: str


def _understood(command: str) -> Action:
    return understood_line(command, "dev")


# Each was allowed in dev before (a plain update, a create, or a delete of what was named).
ESCAPES = [
    # 1. An unquoted word decided at run time may be any options.
    Case("gcloud-bucket-update-split", "gcloud storage buckets update gs://prod $OPTS", DENY),
    Case("gcloud-sql-patch-split", "gcloud sql instances patch prod $FLAGS", DENY),
    Case("gcloud-sql-patch-attached-split", "gcloud sql instances patch prod --tier=$T", DENY),
    Case("gcloud-option-name-var", 'gcloud sql instances patch prod "--$F=true"', DENY),
    Case("gcloud-split-elsewhere", "gcloud storage buckets update gs://scratch $OPTS", ASK),
    Case("gsutil-cp-split", "gsutil cp $OPTS report.pdf gs://prod/r.pdf", DENY),
    Case("gsutil-cp-split-elsewhere", "gsutil cp $OPTS report.pdf gs://scratch/r.pdf", ASK),
    Case("gsutil-setmeta-split", "gsutil setmeta $H gs://prod/r.pdf", DENY),
    Case("gsutil-global-split", "gsutil -m $OPTS rm gs://scratch/a", ASK),
    # 2. A public ACL through a header.
    Case(
        "gsutil-header-public-read",
        'gsutil -h "x-goog-acl:public-read" cp report.pdf gs://prod/r.pdf',
        DENY,
    ),
    Case(
        "gsutil-header-public-read-write-space",
        'gsutil -h "x-goog-acl: public-read-write" cp report.pdf gs://prod/r.pdf',
        DENY,
    ),
    Case(
        "gsutil-header-joined-flags",
        "gsutil -mh x-goog-acl:authenticated-read rsync -r site gs://prod/site",
        DENY,
    ),
    Case(
        "gsutil-header-attached-amz",
        'gsutil -h"X-Amz-Acl:public-read" cp report.pdf gs://prod/r.pdf',
        DENY,
    ),
    Case(
        "gsutil-header-value-var",
        'gsutil -h "x-goog-acl:$A" cp report.pdf gs://prod/r.pdf',
        DENY,
    ),
    Case("gsutil-header-whole-var", 'gsutil -h "$H" cp report.pdf gs://prod/r.pdf', DENY),
    # 3. A URL decided at run time may be the protected bucket's.
    Case("gsutil-rm-more-urls", 'gsutil rm gs://scratch/x "$MORE"', DENY),
    Case("gcloud-rm-more-urls", 'gcloud storage rm gs://scratch/x "$MORE"', DENY),
    Case("gsutil-acl-set-more-urls", 'gsutil acl set public-read gs://scratch "$B"', DENY),
    Case("gsutil-cp-public-to-var", 'gsutil cp -a public-read report.pdf "$DEST"', DENY),
    Case("gsutil-mv-source-var", 'gsutil mv "$SRC" gs://scratch/x', DENY),
    # 4. A create opening existing data.
    Case(
        "gcloud-sql-replica-world",
        "gcloud sql instances create r1 --master-instance-name=prod"
        " --authorized-networks=0.0.0.0/0",
        DENY,
    ),
    Case(
        "gcloud-sql-replica-networks-var",
        'gcloud sql instances create r1 --master-instance-name prod --authorized-networks "$N"',
        DENY,
    ),
    Case(
        "gcloud-alloydb-instance-of-cluster",
        "gcloud alloydb instances create i1 --cluster=prod --region=us-central1"
        " --instance-type=READ_POOL --authorized-external-networks=0.0.0.0/0",
        DENY,
    ),
]

# False-alarm guards (judged so before the change too, and must not get stricter): a quoted
# word decided at run time where it is one value; reads; a header that opens nothing; a new
# store opened; a replica let in from a narrow range; a grant to a named user.
GUARDS = [
    Case(
        "gsutil-header-owner-read",
        'gsutil -h "x-goog-acl:bucket-owner-read" cp report.pdf gs://prod/r.pdf',
        ALLOW,
    ),
    Case("gsutil-header-cache-var", 'gsutil -h "Cache-Control:$C" cp r gs://prod/r', ALLOW),
    Case("gsutil-header-download", 'gsutil -h "x-goog-acl:public-read" cp gs://prod/r ./r', ALLOW),
    Case("gsutil-ls-split", "gsutil ls $X", ALLOW),
    Case("gcloud-describe-split", "gcloud storage buckets describe gs://prod $X", ALLOW),
    Case("gcloud-format-split", "gcloud sql instances describe prod --format $F", ALLOW),
    Case("gsutil-cp-source-var-middle", 'gsutil cp report.pdf "$F" gs://scratch/dir/', ALLOW),
    Case("gsutil-role-partly-quoted", 'gsutil iam ch user:ann@example.com:"$R" gs://prod', ALLOW),
    Case(
        "gcloud-label-quoted",
        'gcloud storage buckets update gs://prod --update-labels="a=$L"',
        ALLOW,
    ),
    Case(
        "gcloud-sql-create-world",
        "gcloud sql instances create x --authorized-networks=0.0.0.0/0",
        ALLOW,
    ),
    Case(
        "gcloud-sql-replica-narrow",
        "gcloud sql instances create r1 --master-instance-name=prod"
        " --authorized-networks=10.0.0.0/24",
        ALLOW,
    ),
    Case(
        "gcloud-bucket-create-pap-off",
        "gcloud storage buckets create gs://fresh --no-public-access-prevention",
        ALLOW,
    ),
    Case("gsutil-grant-user-var-bucket", 'gsutil iam ch user:a@b.com:objectViewer "$B"', ALLOW),
]


@each_case(ESCAPES)
def test_opening_is_refused_or_held(case: Case, policy: Policy) -> None:
    """Each was allowed in dev before; refused on the protected store now, or asked (unknown)
    on one that is not."""
    action = _understood(case.command)
    assert decision_of(action, policy) == case.expected, (case.id, shown(action))


@each_case(GUARDS)
def test_what_opens_nothing_stays(case: Case, policy: Policy) -> None:
    """False-alarm guards: judged so before the change too."""
    action = _understood(case.command)
    assert decision_of(action, policy) == case.expected, (case.id, shown(action))


def test_ids_are_unique() -> None:
    ids = [c.id for c in ESCAPES + GUARDS]
    assert len(set(ids)) == len(ids)


def test_split_word_makes_every_change_unknown_and_keeps_reads() -> None:
    """Every change of a call with an unquoted run-time word is ``unknown`` with the reason; a
    read stays a read. Before: plain updates (and a bogus bucket named ``$OPTS``)."""
    effects = _understood("gcloud storage buckets update gs://prod $OPTS").effects
    assert effects and all(e.effect is EffectKind.UNKNOWN for e in effects)
    assert all("may stand for options" in e.detail for e in effects)
    [read] = _understood("gcloud storage buckets describe gs://prod --format $F").effects
    assert read.effect is EffectKind.READ


def test_header_opens_only_what_is_written(policy: Policy) -> None:
    """The header's ACL marks the destination written as opened (``removes_protection``), not
    the source read. Before: no effect removed protection."""
    action = _understood('gsutil -h "x-goog-acl:public-read" cp gs://prod/a gs://scratch/a')
    opened = {n for e in action.effects if e.removes_protection for n in e.resource.names}
    assert "gs://scratch/a" in opened


def test_replica_opens_the_primary() -> None:
    """The replica's create stays a create of the new instance; the primary is the store
    opened. Before: only the create."""
    effects = _understood(
        "gcloud sql instances create r1 --master-instance-name=prod --authorized-networks=0.0.0.0/0"
    ).effects
    kinds = {(e.effect, e.resource.names[0], e.removes_protection) for e in effects}
    assert (EffectKind.CREATE, "gcp:sql/instances/r1", False) in kinds
    assert (EffectKind.UPDATE, "gcp:sql/instances/prod", True) in kinds
    assert all(e.removes_protection for e in effects if "instances/prod" in e.resource.names[0])


_ORDER = {ALLOW: 0, ASK: 1, DENY: 2}


def test_run_time_bucket_is_judged_at_least_as_its_name(policy: Policy) -> None:
    """A bucket given at run time (``"$B"``) gets at least the verdict the protected bucket's
    own name gets for the same change: it cannot pass a protected bucket for less. Partly a
    false-alarm guard (grants were already so), partly new (the removal, the ACL of a second
    URL)."""
    for change in (
        "gsutil iam ch user:a@b.com:objectViewer {}",
        "gsutil iam ch allUsers:objectViewer {}",
        'gsutil iam ch "$M":objectViewer {}',
        "gsutil iam ch -d allUsers {}",
        "gsutil acl set public-read gs://scratch {}",
        "gsutil rm gs://scratch/x {}",
        "gsutil cp -a public-read report.pdf {}",
    ):
        named = decision_of(_understood(change.format("gs://prod/x")), policy)
        given = decision_of(_understood(change.format('"$B"')), policy)
        assert _ORDER[given] >= _ORDER[named], (change, named, given)
