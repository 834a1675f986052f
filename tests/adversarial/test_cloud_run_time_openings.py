"""``az``, ``gcloud`` and ``gsutil`` lines whose value deciding whether a store is opened to the
world is given only when the line runs (``--public-network-access "$X"``, ``--member="$WHO"``,
``gsutil iam ch "$M":objectViewer``): judged as opening the store (removing its protection),
as the AWS CLI's ``put-bucket-acl --acl "$X"`` is (``tests/adversarial/test_aws_public_exposure
.py``), or ``unknown`` -- refused on a protected store either way. Judged for agent ``codex``
acting for ``bob`` under the BRIEF policy with a few stores protected, in ``dev`` (a plain
update is allowed there, an ``unknown`` asked).

Before: each escape below was a plain update, allowed in ``dev`` on a protected store; so were
the literal openings of a Cloud SQL instance's ``--authorized-networks=0.0.0.0/0`` and az's
generic update ``--set publicNetworkAccess=Enabled`` (their cases are here too).

How the behaviour relied on was confirmed: the az options and their short spellings are those
of ``tests/adversarial/test_cloud_public_access.py`` (azure-cli 2.91, ``az … -h``); az's
generic update takes ``--set``/``--add``/``--remove`` (``generic_update_command``, property
paths in the REST or the SDK's spelling); ``gcloud sql instances patch --authorized-networks``
(a comma-separated list of CIDR ranges) and ``gcloud alloydb instances update
--authorized-external-networks`` as gcloud 528's ``--help`` gives them. Bash splits an unquoted
``$T`` into several words, each read by az as an option when it starts with ``-``.
"""

from __future__ import annotations

from typing import NamedTuple

from tests.adversarial._judging import (
    ALLOW,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    shown,
    understood_line,
)

from keyturn.model import Action
from keyturn.policy import Policy

PROTECTED = (
    "azure:storage/account/prod",
    "azure:sql/server/prod",
    "azure:cosmosdb/prodcosmos",
    "azure:acr/prodacr",
    "gs://prod",
    "gs://prod/*",
    "gcp:sql/instances/prod",
    "gcp:alloydb/instances/prod",
    "gcp:run/services/payments",
)


class Case(NamedTuple):
    id: str
    command: str
    expected: str


policy = policy_protecting(*PROTECTED)


def _understood(command: str) -> Action:
    return understood_line(command, "dev")


# Each was a plain update before (allowed in dev on the protected store); refused now.
ESCAPES = [
    # az: a value of an option that can open the store, decided at run time.
    Case(
        "az-public-network-access-var",
        'az storage account update -n prod --public-network-access "$X"',
        DENY,
    ),
    Case(
        "az-public-network-access-attached",
        'az storage account update -n prod --public-network-access="$X"',
        DENY,
    ),
    Case(
        "az-blob-public-access-substitution",
        "az storage account update -n prod --allow-blob-public-access $(cat flag)",
        DENY,
    ),
    Case(
        "az-blob-public-access-quoted-substitution",
        'az storage account update -n prod --allow-blob-public-access "$(cat flag)"',
        DENY,
    ),
    Case(
        "az-sql-enable-public-network",
        'az sql server update -n prod -g rg --enable-public-network "$V"',
        DENY,
    ),
    Case("az-sql-short-e", 'az sql server update -n prod -g rg -e "$V"', DENY),
    Case("az-cosmos-short-p", 'az cosmosdb update -n prodcosmos -g rg -p "$V"', DENY),
    Case("az-default-action", 'az storage account update -n prod --default-action "$A"', DENY),
    Case("az-acr-anonymous-pull", 'az acr update -n prodacr --anonymous-pull-enabled "$A"', DENY),
    Case(
        "az-abbreviated-option",
        'az storage account update -n prod --public-netw "$X"',
        DENY,
    ),
    # az: a word that bash splits, or that stands where az reads an option.
    Case("az-unquoted-tags-split", "az storage account update -n prod --tags $T", DENY),
    Case("az-options-word", 'az storage account update -n prod "$OPTS"', DENY),
    # az's generic update: a property that opens the store, literal or decided at run time.
    Case(
        "az-set-public-network-access",
        "az storage account update -n prod --set publicNetworkAccess=Enabled",
        DENY,
    ),
    Case(
        "az-set-default-action",
        "az storage account update -n prod --set networkRuleSet.defaultAction=Allow",
        DENY,
    ),
    Case("az-set-run-time", 'az storage account update -n prod --set "$S"', DENY),
    Case(
        "az-set-property-run-time-value",
        'az storage account update -n prod --set "public_network_access=$V"',
        DENY,
    ),
    # gcloud: the member given a role, an ACL, a grant, networks let in.
    Case(
        "gcloud-member-var",
        'gcloud storage buckets add-iam-policy-binding gs://prod --member="$WHO"'
        " --role=roles/storage.objectViewer",
        DENY,
    ),
    Case(
        "gcloud-member-next-word",
        'gcloud run services add-iam-policy-binding payments --member "$WHO"'
        " --role=roles/run.invoker --region=europe-west1",
        DENY,
    ),
    Case(
        "gcloud-predefined-acl-var",
        'gcloud storage buckets update gs://prod --predefined-acl="$A"',
        DENY,
    ),
    Case(
        "gcloud-cp-predefined-acl-var",
        'gcloud storage cp report.pdf gs://prod/report.pdf --predefined-acl="$A"',
        DENY,
    ),
    Case(
        "gcloud-acl-grant-entity-var",
        'gcloud storage buckets update gs://prod --add-acl-grant="entity=$E,role=READER"',
        DENY,
    ),
    Case(
        "gcloud-sql-authorized-networks-var",
        'gcloud sql instances patch prod --authorized-networks="$NETS"',
        DENY,
    ),
    Case(
        "gcloud-sql-authorized-networks-next-word",
        'gcloud sql instances patch prod --authorized-networks "$NETS"',
        DENY,
    ),
    Case(
        "gcloud-sql-authorized-networks-world",
        "gcloud sql instances patch prod --authorized-networks=10.0.0.0/24,0.0.0.0/0",
        DENY,
    ),
    Case(
        "gcloud-alloydb-external-networks-var",
        "gcloud alloydb instances update prod --cluster=c1 --region=r1"
        ' --authorized-external-networks="$NETS"',
        DENY,
    ),
    # gsutil: the grant's member, an ACL change's entity, the ACL of what is written.
    Case("gsutil-iam-ch-member-var", 'gsutil iam ch "$M":objectViewer gs://prod', DENY),
    Case("gsutil-iam-ch-grant-var", 'gsutil iam ch "$GRANT" gs://prod', DENY),
    Case("gsutil-acl-ch-user-var", 'gsutil acl ch -u "$U":R gs://prod', DENY),
    Case("gsutil-defacl-ch-group-var", 'gsutil defacl ch -g "$G":R gs://prod', DENY),
    Case("gsutil-cp-canned-acl-var", 'gsutil cp -a "$A" report.pdf gs://prod/report.pdf', DENY),
    # az: --tags may be given no value, so the word after it may be read as any option.
    Case("az-tags-quoted-var", 'az storage account update -n prod --tags "$T"', DENY),
]

# False-alarm guards: judged so before the change too. A value decided at run time for an
# option that cannot open anything; a grant to a named user whatever its role; a binding or
# grant removed; what is read; a narrow network; an opening option given a closing value.
GUARDS = [
    Case("az-sku-var", 'az storage account update -n prod --sku "$SKU"', ALLOW),
    Case("az-set-tag-var", 'az storage account update -n prod --set "tags.env=$E"', ALLOW),
    Case(
        "az-set-closed",
        "az storage account update -n prod --set publicNetworkAccess=Disabled",
        ALLOW,
    ),
    Case("az-show-query-var", 'az storage account show -n prod --query "$Q"', ALLOW),
    Case("az-literal-disabled", "az sql server update -n prod -g rg -e false", ALLOW),
    Case(
        "gcloud-role-var-named-user",
        "gcloud storage buckets add-iam-policy-binding gs://prod --member=user:ann@example.com"
        ' --role="$ROLE"',
        ALLOW,
    ),
    Case(
        "gcloud-remove-binding-var",
        'gcloud storage buckets remove-iam-policy-binding gs://prod --member="$WHO"'
        " --role=roles/storage.objectViewer",
        ALLOW,
    ),
    Case("gcloud-sql-tier-var", 'gcloud sql instances patch prod --tier="$T"', ALLOW),
    Case(
        "gcloud-sql-narrow-network",
        "gcloud sql instances patch prod --authorized-networks=10.0.0.0/24",
        ALLOW,
    ),
    Case(
        "gcloud-labels-var", 'gcloud storage buckets update gs://prod --update-labels="a=$L"', ALLOW
    ),
    Case("gsutil-iam-ch-role-var", 'gsutil iam ch user:ann@example.com:"$R" gs://prod', ALLOW),
    Case("gsutil-iam-ch-remove-var", 'gsutil iam ch -d "$M" gs://prod', ALLOW),
    Case("gsutil-cp-source-var", 'gsutil cp "$F" gs://prod/report.pdf', ALLOW),
]


@each_case(ESCAPES)
def test_run_time_opening_is_refused_on_a_protected_store(case: Case, policy: Policy) -> None:
    """Each was a plain update allowed in dev before; refused now (opening, or unknown)."""
    action = _understood(case.command)
    assert decision_of(action, policy) == case.expected, (case.id, shown(action))


@each_case(GUARDS)
def test_run_time_value_that_opens_nothing_stays(case: Case, policy: Policy) -> None:
    """False-alarm guards: judged so before the change too."""
    action = _understood(case.command)
    assert decision_of(action, policy) == case.expected, (case.id, shown(action))


def test_ids_are_unique() -> None:
    ids = [c.id for c in ESCAPES + GUARDS]
    assert len(set(ids)) == len(ids)


def test_a_run_time_value_is_an_opening_not_a_read_or_a_new_resource() -> None:
    """The value decided at run time marks the call's update as opening the store it names
    (``removes_protection``, the reason in its detail), as the AWS CLI's is; the store keeps its
    name. Before: a plain update, protection kept."""
    for command, name in (
        ('az storage account update -n prod --public-network-access "$X"', "prod"),
        ('gsutil iam ch "$M":objectViewer gs://prod', "gs://prod"),
        ('gcloud sql instances patch prod --authorized-networks "$NETS"', "instances/prod"),
    ):
        [effect] = _understood(command).effects
        assert effect.removes_protection, command
        assert "decided at run time" in effect.detail, command
        assert any(n.endswith(name) for n in effect.resource.names), command


def test_networks_given_as_the_next_word_name_no_instance() -> None:
    """``--authorized-networks 0.0.0.0/0`` (its value the next word) names the instance alone,
    not ``gcp:sql/instances/0.0.0.0/0``. Before: the range was read as a second instance."""
    effects = _understood("gcloud sql instances patch prod --authorized-networks 0.0.0.0/0").effects
    names = {n for e in effects for n in e.resource.names}
    assert not any("0.0.0.0" in n for n in names), names
    assert all(e.removes_protection for e in effects)


def test_unquoted_word_makes_the_change_unknown_elsewhere_too() -> None:
    """An unquoted word decided at run time may be any options (another account named with
    ``-n``): every change is ``unknown`` -- asked even on a store not protected, as the AWS CLI's
    ``loosened`` call is. A read stays a read. Before: a plain update, allowed in dev."""
    [effect] = _understood("az storage account update -n scratch --tags $T").effects
    assert effect.effect.value == "unknown"
    [read] = _understood("az storage account show -n scratch --query $Q").effects
    assert read.effect.value == "read"


def test_unprotected_store_is_judged_as_any_update(policy: Policy) -> None:
    """False-alarm guard: a quoted value decided at run time on a store not protected is an
    opening judged as any update (allowed in dev), not asked."""
    action = _understood('az storage account update -n scratch --public-network-access "$X"')
    assert decision_of(action, policy) == ALLOW
    action = _understood('gsutil iam ch "$M":objectViewer gs://scratch')
    assert decision_of(action, policy) == ALLOW
