"""Stores opened to the world through the Azure MCP server's own commands and through AWS Tools
for PowerShell's S3 headers and grants: judged as removing the store's protection (docs/
security.md, "Opening a store to the world removes its protection"), refused on a protected
store in every environment, judged as the create or update it is elsewhere. Judged for agent
``codex`` acting for ``bob`` under the BRIEF policy with a few stores protected, in ``dev``
(where an ``unknown`` is asked and a plain create or update allowed): each escape below was
asked before (the tool or the parameter was not understood), refused now.

How the behaviour relied on was confirmed:

- The Azure MCP server, npm ``@azure/mcp`` 2.0.5 installed in a scratch directory: ``azmcp
  tools list`` (235 commands, their options and read-only/destructive hints) and ``azmcp server
  start --mode all`` / ``--mode namespace`` asked ``tools/list`` over stdio (tool names
  ``sql_server_firewall-rule_create``..., namespace tools ``sql``, ``redis``, ``fileshares``);
  what each command sends read in ``microsoft/mcp``'s services: ``RedisService.
  CreateResourceAsync`` (``public-network-access`` a boolean: ``true`` deploys
  ``publicNetworkAccess: Enabled``, the default ``false`` ``Disabled``), the SQL service's
  server create (``Enabled``, without case, is ``ServerNetworkAccessFlag.Enabled``; not given:
  not sent), ``FileSharesService.CreateOrUpdateFileShareAsync`` (an ARM PUT, the value passed
  through, not sent when not given) and ``FileShareUpdateCommand`` (a PATCH). The commands of
  that version that take an option opening a store to every network are the ones mapped here;
  the others of the server (``compute_disk_create``, which copies its ``source``, and every
  command not listed) stay ``unknown``.
- Google's storage server, npm ``@google-cloud/storage-mcp`` 0.6.0 (its bundle unpacked and
  read): its 24 tools (``create_bucket``, ``update_bucket_labels``, ``update_object_metadata``
  ...) take no IAM, ACL, public access prevention or uniform access setting (``view_iam_policy``
  and ``check_iam_permissions`` only read): none opens a bucket, so none is mapped; the server
  belongs to no built-in family and its tools stay ``unknown``. (``@google-cloud/gcloud-mcp``'s
  ``run_gcloud_command`` is the ``gcloud`` line, judged by the shell's reader already.)
- AWS Tools for PowerShell's cmdlet reference: ``Write-S3Object`` and ``Copy-S3Object`` take
  ``-HeaderCollection <Hashtable>`` (headers added to the request: S3's ``x-amz-acl`` and
  ``x-amz-grant-*`` are its ACL and grants) and ``-Grant <S3Grant[]>``; ``Set-S3ACL`` takes
  ``-AccessControlList_Grant <S3Grant[]>``; a grant to ``.../groups/global/AllUsers`` or
  ``AuthenticatedUsers`` opens what it is on, as ``aws s3api`` grants do.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from tests.adversarial._judging import (
    ALLOW,
    ASK,
    DENY,
    decision_of,
    each_case,
    policy_protecting,
    understood_call,
    understood_line,
)
from tests.adversarial.conftest import CWD

from keyturn.model import Action, EffectKind
from keyturn.policy import Policy
from keyturn.understand.mcp import probe_mcp

PROTECTED = (
    "azure:sql/server/prodsql",
    "azure:redis/prodcache",
    "azure:fileshares/fileshare/prodshare",
    "azure:disk/proddisk",
    "azure:storagesync/prodsync",
    "arn:aws:s3:::acme-archive",
    "arn:aws:s3:::acme-archive/*",
)
AZURE = "azure"
GROUPS = "http://acs.amazonaws.com/groups/global"
EVERY_ADDRESS = {"start-ip-address": "0.0.0.0", "end-ip-address": "255.255.255.255"}


class McpCase(NamedTuple):
    id: str
    server: str
    tool: str
    arguments: dict[str, Any]
    expected: str


class PsCase(NamedTuple):
    id: str
    script: str
    expected: str


policy = policy_protecting(*PROTECTED)


def _mcp(case: McpCase) -> Action:
    return understood_call(case.server, case.tool, case.arguments, "dev")


def _ps(script: str) -> Action:
    return understood_line(script, "dev", powershell=True)


def _seen(action: Action) -> list[tuple[str, bool, tuple[str, ...]]]:
    return [(e.effect.value, e.removes_protection, e.resource.names) for e in action.effects]


# -- Azure MCP: asked before (the command was not mapped: unknown), refused now ----------------
AZURE_ESCAPES = [
    McpCase(
        "sql-server-public-network",
        AZURE,
        "sql_server_create",
        {"server": "prodsql", "resource-group": "rg1", "public-network-access": "Enabled"},
        DENY,
    ),
    McpCase(
        "sql-firewall-every-address",
        AZURE,
        "sql_server_firewall-rule_create",
        {"server": "prodsql", "firewall-rule-name": "all", **EVERY_ADDRESS},
        DENY,
    ),
    McpCase(
        "sql-firewall-half-the-internet",
        AZURE,
        "sql_server_firewall-rule_create",
        {
            "server": "prodsql",
            "firewall-rule-name": "wide",
            "start-ip-address": "1.0.0.0",
            "end-ip-address": "127.255.255.255",
        },
        DENY,
    ),
    McpCase(
        "sql-firewall-old-tool-name",
        AZURE,
        "azmcp_sql_server_firewall_rule_create",
        {"server": "prodsql", "firewall-rule-name": "all", **EVERY_ADDRESS},
        DENY,
    ),
    McpCase(
        "sql-firewall-namespace-camel-case",
        AZURE,
        "sql",
        {
            "intent": "open the server",
            "command": "server firewall-rule create",
            "parameters": {
                "server": "prodsql",
                "firewallRuleName": "all",
                "startIpAddress": "0.0.0.0",
                "endIpAddress": "255.255.255.255",
            },
        },
        DENY,
    ),
    McpCase(
        "redis-public-boolean",
        AZURE,
        "redis_create",
        {"resource": "prodcache", "location": "eastus", "public-network-access": True},
        DENY,
    ),
    McpCase(
        "redis-namespace-public-text",
        AZURE,
        "redis",
        {
            "intent": "make a cache",
            "command": "create",
            "parameters": {"resource": "prodcache", "publicNetworkAccess": "True"},
        },
        DENY,
    ),
    McpCase(
        "fileshare-update-public",
        AZURE,
        "fileshares_fileshare_update",
        {"name": "prodshare", "resource-group": "rg1", "public-network-access": "Enabled"},
        DENY,
    ),
    McpCase(
        "fileshare-create-network-untold",
        AZURE,
        "fileshares_fileshare_create",
        {"name": "prodshare", "resource-group": "rg1", "location": "eastus", "protocol": "NFS"},
        DENY,
    ),
    McpCase(
        "disk-export-from-every-network",
        AZURE,
        "compute_disk_update",
        {"disk-name": "proddisk", "resource-group": "rg1", "network-access-policy": "AllowAll"},
        DENY,
    ),
    McpCase(
        "storagesync-all-traffic",
        AZURE,
        "storagesync_service_update",
        {"name": "prodsync", "resource-group": "rg1", "incoming-traffic-policy": "AllowAllTraffic"},
        DENY,
    ),
]

# Mapped now and opening nothing (or nothing protected): the create or update they are, allowed
# in dev. They were ``unknown`` before (asked): the loosening rests on the server's source
# (above), so these fail on the code before the change too.
AZURE_MAPPED = [
    McpCase(
        "sql-server-private",
        AZURE,
        "sql_server_create",
        {"server": "prodsql", "public-network-access": "Disabled"},
        ALLOW,
    ),
    McpCase(
        "sql-firewall-office-range",
        AZURE,
        "sql_server_firewall-rule_create",
        {
            "server": "prodsql",
            "firewall-rule-name": "office",
            "start-ip-address": "203.0.113.0",
            "end-ip-address": "203.0.113.255",
        },
        ALLOW,
    ),
    McpCase(
        "sql-firewall-azure-services",
        AZURE,
        "sql_server_firewall-rule_create",
        {
            "server": "prodsql",
            "firewall-rule-name": "AllowAllWindowsAzureIps",
            "start-ip-address": "0.0.0.0",
            "end-ip-address": "0.0.0.0",
        },
        ALLOW,
    ),
    McpCase(
        "redis-private-by-default",
        AZURE,
        "redis_create",
        {"resource": "prodcache", "location": "eastus"},
        ALLOW,
    ),
    McpCase(
        "fileshare-create-private",
        AZURE,
        "fileshares_fileshare_create",
        {"name": "prodshare", "location": "eastus", "public-network-access": "Disabled"},
        ALLOW,
    ),
    McpCase(
        "disk-private-only",
        AZURE,
        "compute_disk_update",
        {"disk-name": "proddisk", "network-access-policy": "AllowPrivate"},
        ALLOW,
    ),
    McpCase(
        "unprotected-server-opened",
        AZURE,
        "sql_server_create",
        {"server": "scratchsql", "public-network-access": "Enabled"},
        ALLOW,
    ),
]

# Not mapped, or not readable: ``unknown`` (asked in dev), as before -- false-alarm guards.
AZURE_UNKNOWN = [
    McpCase(
        "disk-create-copies-its-source",
        AZURE,
        "compute_disk_create",
        {
            "disk-name": "proddisk",
            "source": "/subscriptions/s/x",
            "network-access-policy": "DenyAll",
        },
        ASK,
    ),
    McpCase(
        "firewall-range-at-run-time",
        AZURE,
        "sql_server_firewall-rule_create",
        {"server": "prodsql", "start-ip-address": "$ip", "end-ip-address": "255.255.255.255"},
        ASK,
    ),
    McpCase(
        "firewall-range-missing",
        AZURE,
        "sql_server_firewall-rule_create",
        {"server": "prodsql", "firewall-rule-name": "x"},
        ASK,
    ),
    McpCase("unmapped-sql-delete", AZURE, "sql_server_delete", {"server": "prodsql"}, ASK),
    McpCase(
        "unmapped-namespace-command",
        AZURE,
        "sql",
        {"intent": "", "command": "server delete", "parameters": {"server": "prodsql"}},
        ASK,
    ),
    McpCase(
        "google-storage-create-bucket",
        "storage-mcp",
        "create_bucket",
        {"project_id": "p", "bucket_name": "acme-archive"},
        ASK,
    ),
    McpCase(
        "google-storage-labels",
        "gcs",
        "update_bucket_labels",
        {"bucket_name": "acme-archive", "labels": {"a": "b"}},
        ASK,
    ),
]


@each_case(AZURE_ESCAPES)
def test_an_azure_command_opening_a_store_is_refused(case: McpCase, policy: Policy) -> None:
    """Asked before (the command was ``unknown``); now the store's protection is removed and
    refused even in dev."""
    action = _mcp(case)
    assert any(opened for _, opened, _ in _seen(action)), _seen(action)
    assert decision_of(action, policy) == case.expected, (case.id, _seen(action))


@each_case(AZURE_MAPPED)
def test_an_azure_command_keeping_a_store_closed_is_its_update(
    case: McpCase, policy: Policy
) -> None:
    """Was ``unknown`` (asked); now the create or update it is, opening nothing protected."""
    action = _mcp(case)
    kinds = {kind for kind, _, _ in _seen(action)}
    assert kinds <= {EffectKind.CREATE.value, EffectKind.UPDATE.value}, _seen(action)
    protected_and_opened = any(
        o and any(n.startswith(PROTECTED[:5]) for n in names) for _, o, names in _seen(action)
    )
    assert not protected_and_opened, _seen(action)
    assert decision_of(action, policy) == case.expected, (case.id, _seen(action))


@each_case(AZURE_UNKNOWN)
def test_an_unmapped_or_unreadable_azure_call_stays_unknown(case: McpCase, policy: Policy) -> None:
    """False-alarm guard (``unknown`` before too): never looser than asking."""
    action = _mcp(case)
    assert {kind for kind, _, _ in _seen(action)} == {EffectKind.UNKNOWN.value}, _seen(action)
    assert decision_of(action, policy) == case.expected


def test_the_firewall_rule_names_its_server_as_az_names_it() -> None:
    """The rule is named as ``az sql server firewall-rule create`` names it, under its server,
    and the server whose network it opens (before: only the tool)."""
    case = next(c for c in AZURE_ESCAPES if c.id == "sql-firewall-every-address")
    [(kind, opened, names)] = _seen(_mcp(case))
    assert (kind, opened) == ("create", True)
    assert {
        "azure:sql/server/firewall-rule/all",
        "azure:sql/server/prodsql/firewall-rule/all",
        "azure:sql/server/prodsql",
    } <= set(names)


def test_a_managed_redis_is_named_both_ways() -> None:
    """``redis create`` makes an Azure Managed Redis (Microsoft.Cache/redisEnterprise): named
    as ``az redis`` and ``az redisenterprise`` name it, so a pattern written either way holds."""
    case = next(c for c in AZURE_ESCAPES if c.id == "redis-public-boolean")
    [(_, _, names)] = _seen(_mcp(case))
    assert {"azure:redis/prodcache", "azure:redisenterprise/prodcache"} <= set(names)


def test_a_probe_of_a_mapped_command_is_its_nominal_effect() -> None:
    """Without arguments (the proxy's probe) the firewall rule's create is a create on any
    rule and server, never a read and never ``unknown`` (before: ``unknown``)."""
    [effect] = probe_mcp(AZURE, "sql_server_firewall-rule_create").effects
    assert effect.effect is EffectKind.CREATE
    assert "azure:sql/server/*" in effect.resource.names


# -- AWS Tools for PowerShell: asked before (the parameter was not carried over), refused now --
PS_ESCAPES = [
    PsCase(
        "write-header-canned-acl",
        "Write-S3Object -BucketName acme-archive -Key a.txt -File a.txt "
        "-HeaderCollection @{'x-amz-acl'='public-read'}",
        DENY,
    ),
    PsCase(
        "write-header-table-with-spaces",
        "Write-S3Object -BucketName acme-archive -Key a.txt -File a.txt "
        "-HeaderCollection @{ 'Content-Type' = 'text/plain'; 'x-amz-acl' = 'public-read' }",
        DENY,
    ),
    PsCase(
        "write-header-grant-all-users",
        "Write-S3Object -BucketName acme-archive -Key a.txt -Content hi "
        f"-HeaderCollection @{{'x-amz-grant-read'='uri=\"{GROUPS}/AllUsers\"'}}",
        DENY,
    ),
    PsCase(
        "write-header-table-at-run-time",
        "$h = @{'x-amz-acl'='public-read'}; "
        "Write-S3Object -BucketName acme-archive -Key a.txt -File a.txt -HeaderCollection $h",
        DENY,
    ),
    PsCase(
        "write-grant-object-all-users",
        "Write-S3Object -BucketName acme-archive -Key a.txt -File a.txt "
        f"-Grant @{{Grantee=@{{URI='{GROUPS}/AllUsers'}};Permission='READ'}}",
        DENY,
    ),
    PsCase(
        "write-grant-at-run-time",
        "Write-S3Object -BucketName acme-archive -Key a.txt -File a.txt -Grant $grant",
        DENY,
    ),
    PsCase(
        "copy-header-public-read-write",
        "Copy-S3Object -BucketName scratch -Key a -DestinationBucket acme-archive "
        "-DestinationKey a -HeaderCollection @{'x-amz-acl'='public-read-write'}",
        DENY,
    ),
    PsCase(
        "set-acl-grant-at-run-time",
        "Set-S3ACL -BucketName acme-archive -AccessControlList_Grant $grants",
        DENY,
    ),
    PsCase(
        "set-acl-grant-authenticated-users",
        "Set-S3ACL -BucketName acme-archive -Key k -AccessControlList_Grant "
        f"@{{Grantee=@{{URI='{GROUPS}/AuthenticatedUsers'}};Permission='FULL_CONTROL'}}",
        DENY,
    ),
]

# False-alarm guards and pins of what held before: a header or grant that opens nothing keeps
# the call asked (its parameter is still not carried over); a bucket not told, or piped in, is
# any bucket, opened (refused); a public canned ACL on a copy was read already.
PS_GUARDS = [
    PsCase(
        "write-header-content-type-only",
        "Write-S3Object -BucketName acme-archive -Key a.txt -File a.txt "
        "-HeaderCollection @{'Content-Type'='text/plain'}",
        ASK,
    ),
    PsCase(
        "write-grant-to-one-account",
        "Write-S3Object -BucketName acme-archive -Key a.txt -File a.txt "
        "-Grant @{Grantee=@{CanonicalUser='79a59df900b949e5'};Permission='READ'}",
        ASK,
    ),
    PsCase(
        "write-header-private",
        "Write-S3Object -BucketName acme-archive -Key a.txt -File a.txt "
        "-HeaderCollection @{'x-amz-acl'='private'}",
        ASK,
    ),
    PsCase("set-acl-bucket-not-told", "Set-S3ACL -CannedACL public-read", DENY),
    PsCase("set-acl-bucket-piped", "'acme-archive' | Set-S3ACL -PublicReadOnly", DENY),
    PsCase(
        "set-acl-bucket-from-a-cmdlet",
        "Get-S3Bucket -BucketName acme-archive | Set-S3ACL -CannedACL public-read",
        DENY,
    ),
    PsCase("set-acl-positional-bucket", "Set-S3ACL acme-archive -CannedACL public-read", DENY),
    PsCase(
        "copy-canned-acl",
        "Copy-S3Object -BucketName scratch -Key a -DestinationBucket acme-archive "
        "-DestinationKey a -CannedACLName public-read",
        DENY,
    ),
]


@each_case(PS_ESCAPES)
def test_an_s3_header_or_grant_opening_a_store_is_refused(case: PsCase, policy: Policy) -> None:
    """Asked before (``-HeaderCollection``/``-Grant`` not carried over: ``unknown``); now the
    object or bucket written is opened, refused on the protected bucket even in dev. The
    parameter itself is still not carried over (``unknown`` beside): never looser."""
    action = _ps(case.script)
    opened = [names for _, o, names in _seen(action) if o]
    assert any(n.startswith("arn:aws:s3:::acme-archive") for ns in opened for n in ns), opened
    assert decision_of(action, policy) == case.expected, (case.id, _seen(action))


@each_case(PS_GUARDS)
def test_s3_powershell_guard(case: PsCase, policy: Policy) -> None:
    """Judged so before the change too: a pin, not a test of the fix."""
    action = _ps(case.script)
    if case.expected == ASK:
        assert not any(o for _, o, _ in _seen(action)), _seen(action)
    assert decision_of(action, policy) == case.expected, (case.id, _seen(action))


def test_a_table_written_with_spaces_is_one_value() -> None:
    """``@{ 'x-amz-acl' = 'private' }`` reaches the cmdlet as several words: they are one
    value, so the cmdlet is still read as the upload it is -- the local file read, only the
    table not carried over (before: the words after ``@{`` were taken as positional ones, the
    upload's file was not read and every word was reported as not carried over)."""
    action = _ps(
        "Write-S3Object -BucketName scratch -Key a.txt -File a.txt "
        "-HeaderCollection @{ 'x-amz-acl' = 'private' } -Force"
    )
    assert ("read", False, (f"file:{CWD}/a.txt",)) in _seen(action), _seen(action)
    [unknown] = [e for e in action.effects if e.effect is EffectKind.UNKNOWN]
    assert unknown.detail.endswith("-headercollection not carried over to the call")
    assert "x-amz-acl" not in unknown.detail


def test_ids_are_unique() -> None:
    ids = [c.id for c in AZURE_ESCAPES + AZURE_MAPPED + AZURE_UNKNOWN] + [
        c.id for c in PS_ESCAPES + PS_GUARDS
    ]
    assert len(set(ids)) == len(ids)
