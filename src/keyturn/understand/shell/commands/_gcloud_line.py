"""One ``gcloud`` call as read from its line: the flags that take a value, its words (the
release track left out), and where it lands -- the project (``--project``,
``CLOUDSDK_CORE_PROJECT``, else the active configuration's) and the named configuration.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._az_gcloud_words import Flags, last
from keyturn.understand.shell.commands._az_scopes import cloud_effect
from keyturn.understand.shell.commands._gcloud_config import gcloud_defaults
from keyturn.understand.shell.commands._gcloud_names import RELEASE_TRACKS, gcp_names
from keyturn.understand.shell.commands._gcloud_transfers import URI_OPTIONS
from keyturn.understand.shell.effects import shell_name
from keyturn.understand.shell.registry import ShellContext, SimpleCommand

GCLOUD_VALUED = frozenset(
    {"project", "zone", "region", "format", "filter", "location", "account", "configuration"}
    | {"member", "role", "cluster", "instance", "database", "limit", "sort-by", "keyring"}
    | {"billing-account", "folder", "organization", "impersonate-service-account", "command"}
    | {"verbosity", "page-size", "service", "namespace", "platform", "image", "machine-type"}
    | {"condition", "policy-file", "key", "network", "subnet", "tier", "bucket", "topic"}
    | {"destination", "output-file", "out-file", "delete-policy", "create-policy", "config"}
    | {"template", "composite-type", "restore-instance", "backup-instance", "backup-id"}
    | {"soft-delete-duration", "retention-period", "secret"}
    # The primary a replica copies (:mod:`._gcloud_creates`), not a second instance created.
    | {"master-instance-name"}
    # gcloud's global flags that take a value (``gcloud help``; the hidden ones checked with
    # gcloud 528): ``--trace-token x sql …`` must not read ``x`` as the first group.
    | {"billing-project", "flatten", "access-token-file", "trace-token", "universe-domain"}
    | {"authority-selector", "authorization-token-file", "credential-file-override"}
    | {"http-timeout", "flags-file"}
    # ssh's, and the places of an import or an export.
    | {"ssh-flag", "container", "ssh-key-file", "strict-host-key-checking", *URI_OPTIONS}
    | {"ssh-key-expire-after", "ssh-key-expiration"}
    # Spanner's DDL (judged as SQL: :mod:`._gcloud_spanner`), and Cloud Storage's ACLs (a
    # public one exposes the data: :mod:`._gcloud_public`).
    | {"ddl", "ddl-file", "proto-descriptors-file", "acl-file", "default-object-acl-file"}
    | {"add-acl-grant", "remove-acl-grant", "predefined-acl", "canned-acl"}
    | {"add-default-object-acl-grant", "remove-default-object-acl-grant"}
    | {"predefined-default-object-acl"}
    # Spanner's ``execute-sql`` (its SQL judged: :mod:`._gcloud_spanner`).
    | {"sql", "query-mode", "database-role", "priority", "read-timestamp", "timeout"}
)
# ``-a``: ``--predefined-acl`` of ``gcloud storage`` (its only short flag that takes a value).
STORAGE_SHORT = {"a": "predefined-acl"}


class GcloudCall:
    """One gcloud call: its words (release track left out), flags, and where it lands."""

    def __init__(
        self,
        words: list[str],
        flags: Flags,
        after: list[str],
        cmd: SimpleCommand,
        ctx: ShellContext,
    ) -> None:
        self.track = words[:1] if words[:1] and words[0] in RELEASE_TRACKS else []
        self.words = words[len(self.track) :]  # the same resources, named the same way
        self.flags, self.after, self.cmd, self.ctx = flags, after, cmd, ctx
        configuration = last(flags, "configuration") or setting(
            cmd, ctx.env, "CLOUDSDK_ACTIVE_CONFIG_NAME"
        )
        defaults = gcloud_defaults(cmd, ctx, configuration=configuration)
        self.given = last(flags, "project") or setting(cmd, ctx.env, "CLOUDSDK_CORE_PROJECT")
        self.project = self.given or defaults.project
        # The configuration is named too, so that ``*prod*`` tells by it (``--configuration
        # prod``) when no flag or variable names the project.
        self.configuration = (
            None if self.given or self.words[:1] == ["config"] else defaults.configuration
        )

    def named(self, path: str, word: str, *, projectless: bool = False) -> list[str]:
        return gcp_names(
            path,
            word,
            project=self.project,
            configuration=self.configuration,
            projectless=projectless,
        )

    def unknown(self, reason: str, names: list[str] | None = None) -> Effect:
        """Not understood: named by the command and its project (a protected ``gcp:<project>/*``
        holds), placed as the call is -- never by the AWS hints of the shell."""
        place = []
        if self.project:
            place.append(f"gcp:{self.project}/*")
        if self.configuration:
            place.append(f"gcp:configurations/{self.configuration}/*")
        shown = [*(names or []), shell_name(self.cmd.text), *place]
        op = f"gcloud {' '.join(self.words[:3])}".strip()
        return cloud_effect(
            EffectKind.UNKNOWN, shown, self.ctx, service="gcp", operation=op, detail=reason
        )
