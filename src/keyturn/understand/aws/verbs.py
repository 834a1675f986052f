"""The effect of an AWS operation, from the leading verb of its name.

botocore names every operation ``<Verb><Noun>`` (``DeleteDBInstance``, ``TerminateInstances``).
The verb tells the effect well enough to judge by, and where it does not (``Put``, ``Execute``,
``Batch``...) the parameters are inspected elsewhere. A verb missing from these tables is
``unknown``, never ``read``: only verbs known to leave everything as it was are reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from keyturn.model import EffectKind

_READ = """Describe List Get Head Search Lookup Scan Query Select Validate Estimate Preview Test
Simulate Check Detect Count Compare Evaluate Calculate Predict Analyze Recognize Classify Contains
Infer Geocode Autocomplete Suggest Forecast Filter View Is Retrieve Decrypt Encrypt Decode
Decapsulate Encapsulate Derive Generate Sample Probe Rescore Rerank Converse Chat Synthesize
Download Export Render Translate Transcribe Introspect Snap Discover Resolve Optimize Agentic Domain
Phone Carrier Re Traverse"""

_CREATE = """Create Run Register Import Allocate Issue Request Launch Copy Clone Purchase Provision
Upload Sign Invite Claim Reserve Replicate Restore Bundle Build Index Ingest Split Schedule Open
Checkout Acquire Reimport Populate"""

_UPDATE = """Put Update Modify Set Attach Associate Enable Tag Untag Add Change Start Send Post
Execute Invoke Accept Reject Approve Decline Apply Authorize Confirm Complete Submit Activate
Verify Promote Upgrade Configure Initiate Rotate Retry Merge Move Assign Unassign Transfer Renew
Resend Refresh Flush Record Continue Redact Notify Acknowledge Respond Subscribe Unsubscribe Poll
Connect Report Prepare Initialize Define Label Unlabel Lock Unlock Advertise Withdraw Override
Unlink Reload Reorder Reverse Share Unshare Swap Compose Rebalance Resize Grant Commit Extend
Begin Install Dismiss Deliver Skip Invalidate Exchange Redeem Provide Regenerate Meter Finalize
Mark Vote Take Insert Peer Setup Checkpoint Group Ungroup Push Return Redrive Amend Recall Archive
Unarchive Evict Opt Save Process Synchronize Sync Publish Distribute Deprecate Undeprecate Join
Receive Assume Write Deploy Increase Rename Exit Monitor Logout Global Forgot Channel Signal Allow
Resume Resync Insight Capture Unquarantine
Deny Converge End Deliver Upload Write Transact Admin Bulk Batch Migrate Convert Manage"""

# Updates that interrupt a running service; said so in the effect's detail.
_DISRUPTIVE = """Stop Reboot Restart Failover Switchover Suspend Pause Disable Reset Decrease
Rollback Deactivate Shrink Backtrack Drain Disconnect Enter Rebuild Unmonitor Quarantine"""

_DELETE = """Delete Terminate Remove Purge Deregister Release Deprovision Disassociate Dissociate
Detach Revoke Cancel Abort Close Retire Unregister Discard Clear Expire Forget Shutdown Destroy
Drop Empty Leave Dispose Deauthorize Undeploy Disallow Evict Unpeer"""

# Whole operation names whose first word misleads.
EXACT: dict[str, EffectKind] = {
    "ScheduleKeyDeletion": EffectKind.DELETE,
    "LeaveOrganization": EffectKind.DELETE,
    "RemoveAccountFromOrganization": EffectKind.DELETE,
    "ReEncrypt": EffectKind.READ,
    "AssumeRole": EffectKind.UPDATE,
    "BatchWriteItem": EffectKind.UPDATE,
    "TransactWriteItems": EffectKind.UPDATE,
    "EvictFilesFailingUpload": EffectKind.DELETE,
}

# A leading word that only qualifies the verb after it (BatchDeleteImage, AdminGetUser).
_QUALIFIERS = frozenset({"Batch", "Admin", "Bulk", "Transact"})

# Arbitrary execution: the effect depends on a payload keyturn cannot see through here.
_EXECUTION = frozenset(
    {
        "ssm:SendCommand",
        "ssm:StartSession",
        "lambda:Invoke",
        "lambda:InvokeAsync",
        "lambda:InvokeWithResponseStream",
        "lambda:UpdateFunctionCode",
        "ecs:ExecuteCommand",
        "ecs:RunTask",
        "emr:AddJobFlowSteps",  # a step runs any program on the cluster
        # A state machine's steps may call any API (``arn:aws:states:::aws-sdk:…``).
        "stepfunctions:StartExecution",
        "stepfunctions:StartSyncExecution",
    }
)
_AUDIT_EVASION = frozenset(
    {
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "cloudtrail:PutEventSelectors",
        "cloudtrail:UpdateTrail",
        "guardduty:DeleteDetector",
        "guardduty:DisassociateFromMasterAccount",
        "config:StopConfigurationRecorder",
        "config:DeleteConfigurationRecorder",
    }
)
_SENSITIVE_WORDS = ("Policy", "Acl", "PublicAccessBlock", "Trust", "Permission", "AccessKey")
# Policies that say how long data is kept or how a service scales, not who may act: the note
# would mislead a reviewer (``logs:PutRetentionPolicy`` deletes old events, said elsewhere).
_NOT_ACCESS_POLICIES = ("RetentionPolicy", "LifecyclePolicy", "ScalingPolicy", "BackupPolicy")


def _about_access(operation: str) -> bool:
    for kept in _NOT_ACCESS_POLICIES:
        operation = operation.replace(kept, "")
    return any(w in operation for w in _SENSITIVE_WORDS)


def _words(text: str) -> list[str]:
    return text.split()


def _table() -> dict[str, tuple[EffectKind, bool]]:
    table: dict[str, tuple[EffectKind, bool]] = {}
    groups = (
        (_READ, EffectKind.READ, False),
        (_CREATE, EffectKind.CREATE, False),
        (_UPDATE, EffectKind.UPDATE, False),
        (_DISRUPTIVE, EffectKind.UPDATE, True),
        (_DELETE, EffectKind.DELETE, False),
    )
    # Later groups win: a word listed twice is judged by the stricter meaning.
    for text, kind, disruptive in groups:
        for word in _words(text):
            table[word] = (kind, disruptive)
    table["Replace"] = (EffectKind.REPLACE, False)
    return table


VERBS: dict[str, tuple[EffectKind, bool]] = _table()
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z][a-z0-9]*|[a-z0-9]+")


def split_words(name: str) -> list[str]:
    """CamelCase words of an operation name: ``DeleteDBInstance`` -> Delete, DB, Instance."""
    return _CAMEL.findall(name)


@dataclass(frozen=True, slots=True)
class VerbMeaning:
    """What an operation's name says: effect, the verb read, the noun after it, and notes."""

    effect: EffectKind
    verb: str
    noun: str
    notes: tuple[str, ...] = ()


def classify(service: str, operation: str) -> VerbMeaning:
    """The effect an operation's name implies (parameters not considered)."""
    words = split_words(operation)
    verb_words = 1
    while len(words) > verb_words and words[verb_words - 1] in _QUALIFIERS:
        if words[verb_words] in VERBS:
            verb_words += 1
        else:
            break
    verb = words[verb_words - 1] if words else ""
    noun = "".join(words[verb_words:])
    kind, disruptive = VERBS.get(verb, (EffectKind.UNKNOWN, False))
    if operation in EXACT:
        kind = EXACT[operation]
    notes: list[str] = []
    if kind is EffectKind.UNKNOWN:
        notes.append(f"verb {verb!r} of {operation} is not understood")
    if disruptive:
        notes.append("disruptive: interrupts a running service")
    qualified = f"{service}:{operation}"
    if qualified in _EXECUTION:
        notes.append("runs arbitrary code: judge the payload")
    if qualified in _AUDIT_EVASION:
        notes.append("weakens the audit trail")
    if kind in (EffectKind.UPDATE, EffectKind.CREATE, EffectKind.DELETE) and _about_access(
        operation
    ):
        notes.append("security-sensitive: changes access control")
    return VerbMeaning(effect=kind, verb=verb, noun=noun, notes=tuple(notes))
