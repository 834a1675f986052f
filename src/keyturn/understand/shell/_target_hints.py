"""Target hints: which environment, profile, context or workspace a command's variables and
the commands before it on the line point at (``AWS_PROFILE=prod``, ``export KUBECONFIG=…``,
``kubectl config use-context prod``, ``terraform workspace select prod``).

Moved out of :mod:`.dispatch` to keep that module small (STYLE.md: small modules, one concept
each); :mod:`.dispatch` still offers these names to the modules that import them from there.
"""

from __future__ import annotations

from collections.abc import Mapping

from keyturn.model import Target
from keyturn.understand.shell.commands._kube_call import KUBE_TOOL_VARIABLES
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.parse import ANY_VARIABLE
from keyturn.understand.shell.registry import SimpleCommand

# Only variables the tools themselves read. Neither kubectl nor helm reads KUBE_CONTEXT,
# KUBECONTEXT or KUBE_NAMESPACE (conventions of scripts and prompts): taken as hints, a
# ``KUBE_CONTEXT=dev-1`` would make a delete on the kubeconfig's production context a dev one.
# What kubectl and helm read (KUBECONFIG, HELM_KUBECONTEXT, HELM_NAMESPACE...) they read from
# the environment themselves (:mod:`.commands._kube_call`).
_TARGET_VARIABLES = {
    "AWS_PROFILE": "aws_profile",
    "AWS_DEFAULT_PROFILE": "aws_profile",
    "AWS_REGION": "aws_region",
    "AWS_DEFAULT_REGION": "aws_region",
    "TF_WORKSPACE": "terraform_workspace",
}


def target_from_variables(variables: Mapping[str, str]) -> Target:
    """The target hints environment variables give (``AWS_PROFILE=prod`` -> profile ``prod``)."""
    hints: dict[str, str] = {}
    for name, field_name in _TARGET_VARIABLES.items():
        value = variables.get(name)
        if value and field_name not in hints:
            hints[field_name] = value
    return Target(**hints)


# A value decided at run time: no environment's pattern names it, so where the command lands
# cannot be told from it.
RUN_TIME_HINT = "(decided at run time)"


def target_variables_switch(
    assigned: Mapping[str, str | None],
) -> tuple[dict[str, str], dict[str, str]]:
    """Target hints set by the line's own assignments (``export AWS_PROFILE=prod``), and those
    variables with their values."""
    hints: dict[str, str] = {}
    variables: dict[str, str] = {}
    anything = ANY_VARIABLE in assigned  # names decided at run time: any may be set
    for name, field_name in _TARGET_VARIABLES.items():
        if anything:
            variables[name] = RUN_TIME_HINT
            hints.setdefault(field_name, RUN_TIME_HINT)
        elif name in assigned:
            variables[name] = assigned[name] or RUN_TIME_HINT
            hints.setdefault(field_name, variables[name])
    # Variables the handlers read themselves (which cluster, credentials, config file or
    # extra arguments a tool uses): no hint of their own, but a line judged again reads them
    # as set (``export KUBECONFIG=…; kubectl delete …``).
    for name in assigned:
        if name in _HANDLER_VARIABLES or name.startswith(_HANDLER_PREFIXES):
            variables[name] = assigned[name] or RUN_TIME_HINT
    return hints, variables


# Besides those of _TARGET_VARIABLES (and TF_CLI_ARGS_<command>, any command).
_HANDLER_VARIABLES = frozenset(
    {
        *KUBE_TOOL_VARIABLES,
        *("TF_CLI_ARGS", "TF_DATA_DIR"),
        *("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"),
        *("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_DATA_PATH"),
        *("AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"),
        # The app, site, project, database or server the platform, migration, warehouse and
        # messaging tools act on (``export HEROKU_APP=prod-app; heroku apps:destroy``).
        *("HEROKU_APP", "FLY_APP", "RAILWAY_TOKEN", "VERCEL_PROJECT_ID", "NETLIFY_SITE_ID"),
        *("CLOUDFLARE_ENV", "DIGITALOCEAN_ACCESS_TOKEN", "DIGITALOCEAN_CONTEXT"),
        *("DATABASE_URL", "RAILS_ENV", "RACK_ENV", "NODE_ENV", "DJANGO_SETTINGS_MODULE"),
        *("DISABLE_DATABASE_ENVIRONMENT_CHECK", "SUPABASE_PROJECT_ID", "GOOSE_DBSTRING"),
        *("GOOSE_DRIVER", "FLYWAY_URL", "FLYWAY_ENVIRONMENT", "FLYWAY_CONFIG_FILES"),
        *("FLYWAY_CLEAN_ON_VALIDATION_ERROR", "LIQUIBASE_COMMAND_URL", "LIQUIBASE_DEFAULTS_FILE"),
        *("CLICKHOUSE_HOST", "CQLSH_HOST", "SNOWSQL_ACCOUNT", "SNOWSQL_DATABASE"),
        *("SNOWSQL_SCHEMA", "SQLCMDSERVER", "SQLCMDDBNAME", "SQLCMDINI", "BIGQUERYRC"),
        *("INFLUX_HOST", "INFLUX_ORG", "INFLUX_ACTIVE_CONFIG", "NATS_URL", "NATS_CONTEXT"),
        *("RABBITMQ_NODENAME", "XDG_CONFIG_HOME"),
        # The server or database the SQL clients and dump tools reach, the project or
        # subscription gcloud and az act in, and the cluster or server of the tools around
        # Kubernetes (``export PGHOST=prod-db; psql -c 'DROP TABLE users'``).
        *("PGHOST", "PGDATABASE", "MYSQL_HOST"),
        *("CLOUDSDK_CORE_PROJECT", "CLOUDSDK_CONFIG", "CLOUDSDK_ACTIVE_CONFIG_NAME"),
        *("AZURE_CONFIG_DIR", "AZURE_DEFAULTS_GROUP"),
        *("KIND_CLUSTER_NAME", "MINIKUBE_PROFILE", "NOMAD_ADDR", "NOMAD_NAMESPACE"),
        "ARGOCD_SERVER",
        # The home directory the cloud CLIs read their settings under (``export HOME=/tmp/h;
        # aws --profile dev …`` reads /tmp/h/.aws/config and its aliases).
        *("HOME", "USERPROFILE"),
        # The backup suffix cp/mv/install/ln give (``export SIMPLE_BACKUP_SUFFIX=.json; cp -b x
        # .claude/settings`` writes settings.json), the file ``history -w`` writes, and the
        # database client start-up files and services.
        *("SIMPLE_BACKUP_SUFFIX", "VERSION_CONTROL", "HISTFILE", "PSQLRC", "PGSERVICE"),
        *("PGSERVICEFILE", "MYSQL_HOME"),
        # The container daemon the container CLIs talk to (``export DOCKER_HOST=ssh://prod-db;
        # docker volume rm pgdata``), the docker CLI's settings (its current context), and the
        # compose project and files.
        *("DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "CONTAINER_HOST"),
        *("CONTAINER_CONNECTION", "CONTAINERD_ADDRESS", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME"),
        *("COMPOSE_PATH_SEPARATOR", "COMPOSE_ENV_FILES", "COMPOSE_DISABLE_ENV_FILE"),
        *("CONTAINERS_CONF", "CONTAINERS_CONF_OVERRIDE", "PODMAN_CONNECTIONS_CONF"),
        *("CONTAINERS_REGISTRIES_CONF", "REGISTRY_AUTH_FILE", "CONTAINERS_STORAGE_CONF"),
    }
)
# Families of such variables: extra terraform arguments, and the package managers' settings
# that swap the package ``npx X`` runs (``npm_config_package=evil``).
# (``GIT_``: the repository, index and settings git reads -- ``export GIT_INDEX_FILE=…``.)
_HANDLER_PREFIXES = (
    *("TF_CLI_ARGS_", "npm_config_", "NPM_CONFIG_", "bun_config_", "YARN_", "yarn_"),
    # pulumi takes any flag the line leaves out from ``PULUMI_OPTION_<FLAG>`` (its stack).
    *("GIT_", "PULUMI_OPTION_"),
)


def target_switch(cmd: SimpleCommand) -> dict[str, str]:
    """Target hints a command switches to for what follows it: ``kubectl config use-context
    X`` (or ``config set current-context X``), ``kubectx X``, ``kubens X``, ``kubectl config
    set-context --current --namespace X``, ``terraform``/``tofu workspace select|new X``.
    Redefining a context (its cluster or user), ``oc login`` and ``oc project`` switch to a
    context whose name tells nothing (:data:`RUN_TIME_HINT`)."""
    args = [a for a in cmd.args if not a.startswith("-")]
    run_time = any(i > 0 for i in cmd.dynamic_words)
    if cmd.name in ("kubectl", "oc") and "config" in args[:2]:
        return _kube_config_switch(cmd, args[args.index("config") + 1 :], run_time=run_time)
    if cmd.name == "oc" and args[:1] == ["login"]:
        return {"kube_context": RUN_TIME_HINT}  # a context oc names after the server and user
    if cmd.name == "oc" and args[:1] == ["project"] and len(args) > 1:
        # A new current context, named after the project, cluster and user.
        return {"kube_context": RUN_TIME_HINT, "kube_namespace": args[1]}
    if cmd.name == "kubectx" and args:
        return {"kube_context": RUN_TIME_HINT if run_time else args[-1]}
    if cmd.name == "kubens" and args:
        return {"kube_namespace": RUN_TIME_HINT if run_time else args[-1]}
    workspace = args[:2] in (["workspace", "select"], ["workspace", "new"])
    if cmd.name in ("terraform", "tofu") and workspace and len(args) > 2:
        return {"terraform_workspace": RUN_TIME_HINT if run_time else args[2]}
    return {}


_SET_CONTEXT = OptionSpec(long_valued=frozenset({"namespace", "cluster", "user"}))
# ``kubectl config set KEY``: keys that redefine a context, a cluster or a user.
_REDEFINED_KEYS = ("contexts.", "clusters.", "users.")


def _kube_config_switch(cmd: SimpleCommand, words: list[str], *, run_time: bool) -> dict[str, str]:
    """The switch of a ``kubectl config`` subcommand (``words``: its operands)."""
    context = None
    if words[:1] in (["use-context"], ["use"]) and len(words) > 1:
        context = words[1]
    elif words[:2] == ["set", "current-context"] and len(words) > 2:
        context = words[2]  # the same write as use-context, spelt as a raw key
    if context is not None:
        return {"kube_context": RUN_TIME_HINT if run_time else context}
    options = parse_options(cmd.args, _SET_CONTEXT)
    sub = words[0] if words else ""
    redefines = sub in ("set-cluster", "set-credentials") or (
        sub == "set" and len(words) > 1 and words[1].startswith(_REDEFINED_KEYS)
    )
    if redefines or (sub == "set-context" and (options.value("cluster") or options.value("user"))):
        # A context (maybe the current one) now means another cluster or identity: no
        # context's name tells any longer where what follows lands.
        return {"kube_context": RUN_TIME_HINT}
    if sub == "set-context" and "--current" in cmd.args:
        namespace = options.value("namespace")
        if namespace:
            return {"kube_namespace": RUN_TIME_HINT if run_time else namespace}
    return {}
