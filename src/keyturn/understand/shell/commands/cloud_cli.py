"""Google Cloud and Azure command lines: ``gcloud``, ``gsutil``, ``az``.

Names (decided here; ``keyturn policy lint`` should know these forms):
- ``gcloud <group...> <verb> NAME`` -> ``gcp:<group path>/<name>`` (``gcp:compute/instances/
  web-1``, ``gcp:projects/acme-prod``), plus ``gcp:<project>/<group path>/<name>`` when the
  project is known (``--project``, ``CLOUDSDK_CORE_PROJECT``, else the active configuration's
  ``[core] project``: :mod:`._gcloud_config`), and ``gcp:configurations/<configuration>/<group
  path>/<name>`` when a named configuration gives it (``--configuration``,
  ``CLOUDSDK_ACTIVE_CONFIG_NAME``, gcloud's ``active_config``), so ``*prod*`` tells the
  environment by project or configuration too. A release track (``beta``, ``alpha``) is left
  out of the name, and a full resource path or URL (``projects/P/zones/Z/instances/web-1``)
  names the resource as its short name does, in project ``P`` (:mod:`._gcloud_names`). Cloud
  Storage objects are ``gs://bucket/path``.
- ``az <group...> <verb> -n NAME -g RG`` -> ``azure:<group path>/<name>`` (``azure:vm/web``,
  ``azure:group/rg-prod``), plus ``azure:<rg>/<group path>/<name>`` when the resource group is
  known (``-g``, else az's default group), and ``azure:subscriptions/<subscription>/<group
  path>/<name>`` when ``--subscription`` or az's default subscription (its id and its name)
  names one (:mod:`._az_defaults`); ``--ids`` ARM ids are ``azure:<id>`` (a resource group's
  also ``azure:group/<rg>``: :mod:`._az_names`). Azure compares names without case, and so do
  protected ``azure:`` patterns. A default read from the tools' files is only ever a name
  besides: where the line names nothing (``*``), ``*`` stays.

Where they land: only by an environment given outright or by those names; an AWS profile, a
kube context or a Terraform workspace of the shell says nothing of them (:func:`cloud_target`).

Verbs: delete/purge -> delete; list/describe/show/get-* -> read; create/add -> create;
IAM bindings -> update of service ``iam``; ``az lock delete`` -> removes the protection of the
locked scope; ``--no-deletion-protection`` (and its kin) -> removes the resource's protection;
``az deployment group create --mode Complete`` -> delete of everything in the group not in the
template (``azure:<rg>/*``); ``gcloud … ssh`` (``--command``, ``-- CMD``, commands fed on its
input) and ``az vm run-command invoke --scripts`` -> the command's effects on that machine,
named there (:mod:`._gcloud_ssh`, :mod:`._az_remote`, :mod:`._cloud_remote`); ``gcloud sql
import`` -> unknown on the instance, exports -> an update of the bucket object they write
(:mod:`._gcloud_transfers`); ``az rest`` -> the ARM request it sends (:mod:`._az_names`);
protections switched off or data deleted without the verb saying so (soft delete, retention,
legal holds, ``--delete-backup-data``, a Cloud SQL restore over an instance, a lien removed,
Deployment Manager's ``--delete-policy``, a deployment stack's ``--deny-settings-mode none``:
:mod:`._az_protection`, :mod:`._gcloud_protection`); a store opened to the world (public access
prevention off, ``allUsers`` given a role, a public ACL, public blob or network access on)
-> removes the resource's protection, as strict as any protection removed (:mod:`._az_public`,
:mod:`._gcloud_public`), and so does a whole policy or ACL set from a file that lets the world in
(``set-iam-policy``, ``gsutil iam|acl set FILE``, ``--acl-file``: read when at hand, else
unknown besides the update: :mod:`._gcloud_policy_files`); ``gcloud spanner databases ddl
update`` and ``execute-sql`` -> their SQL judged as SQL, the tables named under the database
(:mod:`._gcloud_spanner`); az options read as az's parser reads them, prefixes included
(:mod:`._az_options`; the naming ones spelt out first, held where az may read an abbreviation
as another option: :mod:`._az_spellings`);
what lives in a vault, server, account or instance is also named under it, and an ARM id or
type as az's group names it (:mod:`._az_nested`); ``gcloud config``/``init`` and ``az
account|login|configure|config`` writes -> a write of the
tool's config directory (later calls on the line read no defaults from it); other verbs ->
update. ``--quiet``/``--yes`` is noted in the detail.

gcloud's global flags that take a value are read with it (``--trace-token x sql …`` is a call of
the ``sql`` group), and ``--flags-file`` is read for the flags it gives (:mod:`._gcloud_flags_file`;
unknown on what the call names when it cannot be). A line whose group or verb is not recognised
is unknown, named by the command and its project (``gcp:<project>/*``), resource group or
subscription, and placed as any call of the tool is: never by the shell's AWS hints.

The calls are read in :mod:`._gcloud_call` (:mod:`._gcloud_line`: the line's words and where it
lands), :mod:`._gcloud_storage` (Cloud Storage verbs and gsutil) and :mod:`._az_call`; this
module registers the three tools.
"""

from __future__ import annotations

from keyturn.model import Effect, Target
from keyturn.understand.shell.commands._az_call import az_effects
from keyturn.understand.shell.commands._gcloud_call import gcloud_effects
from keyturn.understand.shell.commands._gcloud_storage import gsutil_effects
from keyturn.understand.shell.commands._server_target import server_target
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve


def cloud_target(ctx: ShellContext) -> Target:
    """Where a Google Cloud or Azure call lands as far as the line tells: only by an
    environment given outright, or by its resources' names (project, configuration, resource
    group, subscription). The AWS profile, kube context or Terraform workspace of the shell
    say nothing of it, and an effect without hints of its own would take them (an
    ``AWS_PROFILE=dev`` would make a delete in any project a dev one): with such hints about,
    the environment is not told (the policy's unknown_environment): as for any server not on
    AWS."""
    return server_target(ctx)


@command("gcloud")
def gcloud(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``gcloud [--project P] [alpha|beta] GROUP... VERB [NAME...] [--flags]``
    (:mod:`._gcloud_call`)."""
    return gcloud_effects(cmd, evolve(ctx, target=cloud_target(ctx)))


@command("gsutil")
def gsutil(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``gsutil [-m] [-o OPT] [-u PROJECT] VERB [-r] gs://...`` (:mod:`._gcloud_storage`)."""
    return gsutil_effects(cmd, evolve(ctx, target=cloud_target(ctx)))


@command("az")
def az(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``az GROUP... VERB [-n NAME] [-g RG] [--ids ID...]`` (:mod:`._az_call`)."""
    return az_effects(cmd, evolve(ctx, target=cloud_target(ctx)))
