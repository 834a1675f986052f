"""Cloud cmdlets of PowerShell judged as the cloud's own command line is: AWS Tools for PowerShell
(:mod:`._powershell_aws`) as ``aws ...``, Az PowerShell (and the older AzureRM) as ``az ...``.

Both lines go through the shell's understanding (``ctx.understand_nested``), so a cmdlet on a
protected resource is judged as the CLI call on it is (``Remove-AzResourceGroup -Name rg`` as
``az group delete --name rg``; ``Remove-AzResourceLock`` removes protection as ``az lock
delete`` does). An Az cmdlet keyturn has no table entry for is the ``az`` form keyturn does not
understand: ``unknown``, placed by its group and subscription. Where the call goes follows the
text: ``-ProfileName``/``-Region`` and ``Set-AWSCredential``/``Set-DefaultAWSRegion`` (AWS),
``Set-AzContext``/``Select-AzSubscription``/``Connect-AzAccount -Subscription`` and
``-DefaultProfile`` (Az; Microsoft's Az.Accounts reference). A session set other than by a
plain statement of the text (inside a block, from a variable) is decided at run time.
A parameter's value is read the ways PowerShell may read it (``-Name ("prod"+"-rg")``, ``-Name
a,b``: :mod:`._powershell_values`), one CLI line for each reading; a cmdlet's name may be
qualified by its module (``Az.Resources\\Remove-AzResourceGroup``); the Az cmdlets whose
parameters change the ``az`` command are in :mod:`._powershell_az_protection`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from keyturn.model import Effect
from keyturn.understand.shell.commands._powershell_aws import (
    RUN_TIME,
    AwsSession,
    aws_lines,
    parameters,
)
from keyturn.understand.shell.commands._powershell_az_parameters import spelt_out
from keyturn.understand.shell.commands._powershell_az_protection import az_special
from keyturn.understand.shell.commands._powershell_values import MAX_READINGS, value_items

# Az cmdlet -> (the az words, its parameters' az flags, its positional parameters in order).
_GROUP = {"resourcegroupname": "-g"}
_NAMED = {**_GROUP, "name": "-n", "id": "--ids", "resourceid": "--ids"}
_AZ: dict[str, tuple[str, dict[str, str], tuple[str, ...]]] = {
    "remove-azresourcegroup": (
        "group delete",
        {"name": "--name", "resourcegroupname": "--name", "id": "--ids"},
        ("name",),
    ),
    "remove-azvm": ("vm delete", {**_NAMED, "vmname": "-n"}, ("resourcegroupname", "name")),
    "stop-azvm": ("vm deallocate", {**_NAMED, "vmname": "-n"}, ("resourcegroupname", "name")),
    "remove-azstorageaccount": (
        "storage account delete",
        {**_NAMED, "storageaccountname": "-n", "accountname": "-n"},
        ("resourcegroupname", "name"),
    ),
    "remove-azsqldatabase": (
        "sql db delete",
        {**_GROUP, "servername": "--server", "databasename": "-n", "resourceid": "--ids"},
        ("resourcegroupname", "servername", "databasename"),
    ),
    "remove-azsqlserver": (
        "sql server delete",
        {**_GROUP, "servername": "-n"},
        ("resourcegroupname", "servername"),
    ),
    "remove-azkeyvault": (
        "keyvault delete",
        {**_NAMED, "vaultname": "-n", "inputobject": "--ids"},
        ("vaultname",),
    ),
    "remove-azresourcelock": (
        "lock delete",
        {
            **_GROUP,
            "lockname": "-n",
            "name": "-n",
            "lockid": "--ids",
            "resourcetype": "--resource-type",
        }
        | {"resourcename": "--resource"},
        (),
    ),
    "remove-azresource": (
        "resource delete",
        {**_NAMED, "resourcename": "-n", "resourcetype": "--resource-type"},
        (),
    ),
    "remove-azwebapp": ("webapp delete", _NAMED, ("resourcegroupname", "name")),
    "remove-azakscluster": ("aks delete", _NAMED, ("resourcegroupname", "name")),
    "remove-azcosmosdbaccount": ("cosmosdb delete", _NAMED, ("resourcegroupname", "name")),
    "remove-azdisk": ("disk delete", {**_NAMED, "diskname": "-n"}, ("resourcegroupname", "name")),
    "remove-azsnapshot": (
        "snapshot delete",
        {**_NAMED, "snapshotname": "-n"},
        ("resourcegroupname", "name"),
    ),
    "remove-azvirtualnetwork": ("network vnet delete", _NAMED, ("name", "resourcegroupname")),
    "remove-azrediscache": ("redis delete", _NAMED, ("resourcegroupname", "name")),
}
# The cloud cmdlets typed as a command of their own (an agent whose shell is PowerShell) that
# are looked up by name: the most used destructive ones, as their references spell them.
CMDLETS = (
    *("Remove-S3Bucket", "Remove-S3Object", "Remove-EC2Instance", "Remove-RDSDBInstance"),
    *("Remove-RDSDBCluster", "Edit-RDSDBInstance", "Remove-DDBTable", "Remove-IAMRole"),
    *("Remove-IAMUser", "Remove-CFNStack", "Remove-LMFunction", "Remove-KMSKey"),
    *("Remove-AzResourceGroup", "Remove-AzVM", "Remove-AzStorageAccount", "Remove-AzSqlDatabase"),
    *("Remove-AzSqlServer", "Remove-AzKeyVault", "Remove-AzResourceLock", "Remove-AzResource"),
)
# Parameters of every Az cmdlet that change nothing of what it acts on.
_AZ_COMMON = frozenset({"force", "passthru", "asjob", "whatif", "confirm", "nowait", "apiversion"})
_AZ_COMMON |= {"pre", "verbose", "debug", "erroraction", "ea", "outvariable", "ov"}
_SESSION_CMDLETS = re.compile(
    r"(?i)(?<![\w-])(?:set-awscredentials?|initialize-awsdefault(?:s|configuration)"
    r"|set-(?:default)?aws(?:default)?region|set-azcontext|select-azsubscription"
    r"|connect-azaccount|set-azurermcontext|select-azurermsubscription)(?![\w-])"
)
_AZ_SESSION = frozenset(
    {"set-azcontext", "select-azsubscription", "connect-azaccount", "set-azurermcontext"}
    | {"select-azurermsubscription"}
)


@dataclass
class CloudSession:
    """Where the cloud cmdlets of one text go: set by its earlier statements."""

    aws: AwsSession = field(default_factory=AwsSession)
    subscription: str | None = None

    @classmethod
    def of(cls, text: str, statements: Sequence[str]) -> CloudSession:
        """A session for ``text``: decided at run time from its start when the text sets it
        other than by its top-level ``statements`` (in a block, where order is not followed)."""
        session = cls()
        top = sum(1 for s in statements if _SESSION_CMDLETS.match(s.strip()))
        if len(_SESSION_CMDLETS.findall(text)) > top:
            session.aws.profile = session.aws.region = session.subscription = RUN_TIME
        return session

    def inherit(self, outer: CloudSession) -> None:
        """A block's session starts where the text around it stands."""
        self.aws = AwsSession(outer.aws.profile, outer.aws.region, list(outer.aws.elsewhere))
        self.subscription = self.subscription or outer.subscription


def cloud_effects(
    words: Sequence[str],
    session: CloudSession,
    understand: Callable[[str], list[Effect]] | None,
    *,
    prefix: str = "",
) -> tuple[list[Effect], list[str], list[tuple[str, bool, bool]]] | None:
    """The effects of a cloud cmdlet (through ``understand``, the shell's understanding of a
    line; ``prefix``: the environment the text set, as assignments), what was not carried
    over, and the local files it reads or writes (``(path, written, tree)``); ``None`` when
    ``words`` run no cloud cmdlet. A name qualified by its module (``Az.Resources\\Remove-
    AzResourceGroup``, ``AWS.Tools.S3\\Remove-S3Bucket``: about_Command_Precedence) is the
    cmdlet."""
    words = [words[0].replace("\\", "/").rsplit("/", 1)[-1], *words[1:]]
    name = words[0].lower()
    known = _az_parameters(name)
    if known is not None:  # an abbreviated parameter name is the one it stands for
        words = [words[0], *spelt_out(words[1:], known)]
    named, positional = parameters(words[1:])
    constant = {k: _constant(v) for k, v in named.items()}
    if positional:
        constant.setdefault("", _constant(positional[0]))
    if session.aws.set_by(name, constant):
        return [], [], []
    if name in _AZ_SESSION:
        given = next(
            (constant[k] for k in ("subscription", "subscriptionid") if k in constant), None
        )
        given = given or constant.get("subscriptionname") or constant.get("context")
        if name != "connect-azaccount" or given is not None:
            session.subscription = given or constant.get("") or RUN_TIME
        return [], [], []
    if understand is None:
        return None
    found = aws_lines(words[0], words[1:], session.aws)
    if found is None:
        az = _az_line(words[0], named, positional, session)
        found = None if az is None else (*az, [])
    if found is None:
        return None
    lines, untold, local = found
    effects = [e for line in lines for e in understand(prefix + line)]
    return effects, untold, local


# Parameters of the session cmdlets (Set-AzContext, Select-AzSubscription, Connect-AzAccount)
# keyturn reads or that share a start with those, and what each means (aliases: Az.Accounts
# reference).
_SESSION_PARAMETERS = {
    **{"subscription": "subscription", "subscriptionid": "subscription"},
    **{"subscriptionname": "subscription", "tenant": "tenant", "tenantid": "tenant"},
    **{p: p for p in ("context", "name", "force", "scope", "extendedproperty", "credential")},
    "serviceprincipal": "serviceprincipal",
}
# Parameters the Az special cases read (:mod:`._powershell_az_protection`).
_SPECIAL_PARAMETERS = {
    "remove-azkeyvault": ("inremovedstate", "location"),
    "remove-azresourcelock": ("scope",),
}


def _az_key(cmdlet: str) -> str | None:
    """``verb-noun`` of an Az (or AzureRM, as Az) cmdlet, lower case; None for another."""
    verb, dash, noun = cmdlet.lower().partition("-")
    noun = "az" + noun[len("azurerm") :] if noun.startswith("azurerm") else noun
    if not dash or not noun.startswith("az") or len(noun) < 3:
        return None
    return f"{verb}-{noun}"


def _az_parameters(cmdlet: str) -> dict[str, str] | None:
    """The parameter names keyturn knows an Az cmdlet has, and what each means (those given
    the same az flag are aliases of one); None: not one it reads."""
    if cmdlet in _AZ_SESSION:
        return _SESSION_PARAMETERS
    key = _az_key(cmdlet)
    if key is None or (key not in _AZ and not key.startswith("get-")):
        return None
    flags = _AZ[key][1] if key in _AZ else _NAMED
    own = [*_AZ_COMMON, *_SPECIAL_PARAMETERS.get(key, ()), "subscriptionid"]
    return {**{p: p for p in own}, **flags}


def _constant(raw: str) -> str:
    return RUN_TIME if "$" in raw.replace("$true", "").replace("$false", "") else raw


def _az_line(
    cmdlet: str, named: dict[str, str], positional: list[str], session: CloudSession
) -> tuple[list[str], list[str]] | None:
    """The ``az`` lines of an Az (or AzureRM) cmdlet (one for each reading of its values:
    :mod:`._powershell_values`), and the parameters not carried over."""
    key = _az_key(cmdlet)
    if key is None:
        return None
    verb, _, noun = key.partition("-")
    words, flags, order = _AZ.get(key, (shlex.quote(cmdlet), _GROUP, ()))
    if key not in _AZ and verb == "get":
        # Get is PowerShell's approved verb for retrieving (about_Approved_Verbs): an Az Get-
        # cmdlet keyturn has no entry for reads what its noun, name and group say, as the az
        # line that shows it does (``Get-AzVM -Name web`` as ``az vm show -n web``).
        words, flags = f"{shlex.quote(noun[2:])} show", _NAMED
    untold: list[str] = []
    given = dict(named)
    for param, value in zip(order, positional, strict=False):
        given.setdefault(param, value)
    untold += positional[len(order) :]
    words, flags = az_special(key, given, words, flags)
    subscription = given.pop("subscriptionid", None) or session.subscription
    if "defaultprofile" in given:
        subscription = RUN_TIME
    options: list[tuple[str, list[str] | None]] = []
    for param, raw in given.items():
        flag = flags.get(param)
        if param in _AZ_COMMON or param == "defaultprofile":
            continue
        if flag is None:
            untold.append(f"-{param}")
            continue
        options.append((flag, value_items(raw)))
    if subscription is not None:
        options.append(("--subscription", None if "$" in subscription else [subscription]))
    if key not in _AZ:
        untold = []  # the az form keyturn does not know: unknown as a whole
    return [f"az {words} {tail}".rstrip() for tail in _readings(options)], untold


def _readings(options: list[tuple[str, list[str] | None]]) -> list[str]:
    """The flags of one az line for each reading of the values (a value decided at run time
    stands as such; past :data:`MAX_READINGS` readings, every value with several does)."""
    lines = [""]
    for flag, items in options:
        if items is not None and len(lines) * len(items) > MAX_READINGS:
            items = None
        values = [RUN_TIME] if items is None else [shlex.quote(i) for i in items]
        lines = [f"{line} {flag} {value}".strip() for line in lines for value in values]
    return lines
