"""One parsed simple command -> its effects: unwrap, find the handler, fill in what it left out.

Fail closed at every step: a command name decided at run time, a glob in command position, a
program with no handler, a handler that does not recognise the form (returns ``None``) or fails,
all give an ``unknown`` effect with the reason, never nothing.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import replace

from keyturn.model import DESTRUCTIVE_EFFECTS, Effect, EffectKind, Target
from keyturn.understand.shell import nested, registry
from keyturn.understand.shell._new_roots import under_new_roots
from keyturn.understand.shell.code_settings import variable_effects
from keyturn.understand.shell.commands._elsewhere import placed_elsewhere
from keyturn.understand.shell.commands._keyturn_vars import emptied_environment
from keyturn.understand.shell.commands._kube_call import KUBE_TOOL_VARIABLES
from keyturn.understand.shell.commands._kube_place import placed
from keyturn.understand.shell.effects import (
    as_normalised,
    command_effect,
    installed_folder,
    local_target,
    named_in,
    shell_name,
    unknown_effect,
)
from keyturn.understand.shell.flags import OptionSpec, canonical_text, parse_options
from keyturn.understand.shell.parse import ANY_VARIABLE, RawCommand
from keyturn.understand.shell.paths import normalize_path
from keyturn.understand.shell.redirects import redirect_effects
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, evolve
from keyturn.understand.shell.wrappers import unwrap

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


def build_command(raw: RawCommand) -> SimpleCommand:
    """The SimpleCommand as written (before wrappers are stripped)."""
    argv = tuple(w.text for w in raw.words)
    dynamic = frozenset(i for i, w in enumerate(raw.words) if w.dynamic or (i == 0 and w.glob))
    return SimpleCommand(
        argv=argv,
        program=argv[0] if argv else "",
        assignments={name: word.text for name, word in raw.assignments},
        redirects=raw.redirects,
        stdin_text=raw.stdin_text,
        stdin_dynamic=raw.stdin_dynamic,
        dynamic_words=dynamic,
        text=" ".join(argv),
        raw_argv=tuple(w.raw for w in raw.words),
    )


def command_context(cmd: SimpleCommand, ctx: ShellContext) -> ShellContext:
    """The context one command runs in: its assignments added to the environment and target."""
    if not cmd.assignments:
        return ctx
    env = {**ctx.env, **cmd.assignments}
    return evolve(
        ctx, env=env, target=target_from_variables(cmd.assignments).merged_over(ctx.target)
    )


# A program named by a path is the tool of that name only where tools are installed: the
# system's program directories and the places installers and version managers put them
# (``/opt/…``, ``/usr/local/…``, ``/nix/…``, ``~/.local/bin``, ``~/.nvm/…``...). Anywhere else
# -- a relative path, the project, a temporary directory, the rest of the home directory, where
# an agent can drop a file -- it is that file: ``./tools/git`` is whatever ``./tools/git``
# holds, judged as a script when its text can be read, else unknown.
_WINDOWS_INSTALL_DIRS = ("/windows", "/program files")
_SYSTEM_PROGRAM_DIRS = frozenset({"/bin", "/sbin", "/usr/bin", "/usr/sbin"})
_DRIVE = re.compile(r"[A-Za-z]:[/\\]")


def foreign_program(program: str, ctx: ShellContext) -> bool:
    """Whether ``program`` names a file that is not an installed tool (see above)."""
    if "/" not in program and "\\" not in program:
        return False  # found on PATH: the tool of that name
    if _DRIVE.match(program):
        folder = posixpath.dirname(program.replace("\\", "/")).lower()
        return not folder[2:].startswith(_WINDOWS_INSTALL_DIRS)
    folder = posixpath.dirname(normalize_path(program, cwd=ctx.cwd))
    if not program.startswith(("/", "~")):
        # Relative to the working directory: the project's own file, unless it climbs into
        # the system's own program folders (``../../../bin/rm`` from /home/u/p is /bin/rm),
        # which only root writes -- not into other installed folders a project may sit in.
        return folder not in _SYSTEM_PROGRAM_DIRS
    return not installed_folder(folder, home=ctx.home)


def effects_of(raw: RawCommand, ctx: ShellContext) -> tuple[list[Effect], SimpleCommand]:
    """The effects of one simple command, and the command as understood (for the subject)."""
    written = build_command(raw)
    effects, understood = _command_effects(raw, written, ctx)
    return effects + redirect_effects(understood, command_context(understood, ctx)), understood


def _command_effects(
    raw: RawCommand, written: SimpleCommand, ctx: ShellContext
) -> tuple[list[Effect], SimpleCommand]:
    if raw.fork_bomb:
        reason = "a function that calls itself in a pipeline or in the background: a fork bomb"
        bomb = unknown_effect(written, reason, ctx)
        return [replace(bomb, catastrophic="fork bomb: exhausts the machine")], written
    if not written.argv:
        return [], written
    if 0 not in written.dynamic_words and foreign_program(written.program, ctx):
        # Before unwrapping: ``./bin/timeout 5 ls`` runs ./bin/timeout, not the wrapper.
        return [_complete(e, written, ctx) for e in _script(written, ctx)], written
    outcome = unwrap(written)
    if outcome.command is None:
        if outcome.unknown:
            return [unknown_effect(written, outcome.unknown, ctx)], written
        return [
            command_effect(EffectKind.READ, written, ctx, detail="runs nothing judged")
        ], written
    registry.handler_for("")  # load every built-in handler (and its canonical spelling)
    cmd = evolve(outcome.command, text=canonical_text(outcome.command.argv))
    # Where a kube tool in it runs (ssh, a container, a pod, another user), for the lines too.
    cmd_ctx = placed(cmd, command_context(cmd, ctx))
    effects = under_new_roots(_handle(cmd, cmd_ctx, function_call=raw.function_call), cmd, cmd_ctx)
    # Variables a wrapper sets (``env GIT_PAGER=… git log``); those written before the command
    # are among the line's own assignments, judged once for the whole line.
    by_wrappers = {k: v for k, v in cmd.assignments.items() if k not in written.assignments}
    if by_wrappers:
        effects.extend(variable_effects(by_wrappers, cmd, cmd_ctx))
    from keyturn.understand.shell.commands.lang_tools import PROJECT_RUNNERS, project_environment

    if PROJECT_RUNNERS & set(cmd.wrappers):
        # The project's environment: its .venv/bin first on the PATH, uv's build of it, what
        # bundle/direnv/mise/conda load first.
        effects.extend(project_environment(cmd, written, cmd_ctx))
    if outcome.emptied:
        effects.append(emptied_environment(written.text or cmd.text, local_target(cmd_ctx)))
    return [_complete(e, cmd, cmd_ctx) for e in effects], cmd


def _handle(cmd: SimpleCommand, ctx: ShellContext, *, function_call: bool) -> list[Effect]:
    if 0 in cmd.dynamic_words:
        what = "a glob pattern" if any(c in cmd.program for c in "*?[") else "decided at run time"
        return [unknown_effect(cmd, f"the command name is {what} ({cmd.raw_argv[:1]})", ctx)]
    if foreign_program(cmd.program, ctx):
        return _script(cmd, ctx)
    handler = registry.handler_for(cmd.name)
    if handler is None:
        if function_call:
            return []  # a function defined on this line: its body was judged where defined
        return [unknown_effect(cmd, f"keyturn does not know what {cmd.name!r} does", ctx)]
    try:
        found = handler(cmd, ctx)
    except Exception as exc:  # a handler bug must fail closed, never crash the judge
        return [unknown_effect(cmd, f"could not understand {cmd.name}: {type(exc).__name__}", ctx)]
    if found is None:
        return [unknown_effect(cmd, f"this form of {cmd.name!r} is not understood", ctx)]
    if not found:
        return [unknown_effect(cmd, f"no effect of {cmd.name!r} could be named", ctx)]
    return list(found)


def _script(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect]:
    # A framework's stock launcher (``./manage.py``, ``bin/rails``) is judged as that tool.
    from keyturn.understand.shell.commands._script_launchers import launched_by_path

    launched = launched_by_path(cmd, ctx)
    if launched is not None:
        return launched
    return nested.script_file_effects(cmd.program, cmd, ctx)


_NO_TARGET = Target()


def _complete(effect: Effect, cmd: SimpleCommand, ctx: ShellContext) -> Effect:
    """Fill in what a handler left unset: the command text, the wrappers' notes, and a target
    (the given environment only: handlers that know cloud hints set them themselves)."""
    if cmd.dynamic_words and _named_at_run_time(effect, cmd):
        effect = evolve(
            effect,
            effect=EffectKind.UNKNOWN,
            detail=(effect.detail + "; " if effect.detail else "")
            + f"which {effect.resource.type or 'resource'} is decided at run time",
        )
    notes = [w for w in cmd.wrappers if ":" in w]
    detail = effect.detail
    if notes:
        detail = (detail + " " if detail else "") + f"(via {', '.join(notes)})"
        effect = _named_where_it_runs(effect, notes)
    elif effect.command and effect.service and effect.target != _NO_TARGET:
        return effect  # nothing to fill in (most effects: the handlers' helpers set them)
    effect = evolve(
        effect,
        command=effect.command or cmd.text or None,
        target=effect.target if effect.target != _NO_TARGET else local_target(ctx),
        service=effect.service or "shell",
        detail=detail,
    )
    # On another machine or in a running container: judged there (:mod:`.commands._elsewhere`).
    return placed_elsewhere(effect, notes, ctx) if notes else effect


# Wrappers that run the command on another machine or in a container, and how that place is
# named (docs/policy.md): ``ssh:db1``, ``docker:container/web``, ``k8s:shop/pod/web-0``.
_ELSEWHERE = {
    "ssh": "ssh:{}",
    "docker-exec": "docker:container/{}",
    "podman-exec": "docker:container/{}",
    "nerdctl-exec": "docker:container/{}",
    "kubectl-exec": "k8s:{}",
}


def _named_where_it_runs(effect: Effect, notes: list[str]) -> Effect:
    """The effect also named in the place its command runs, when a wrapper runs it elsewhere
    (:func:`~keyturn.understand.shell.effects.named_in`)."""
    places = []
    for note in notes:
        kind, _, where = note.partition(":")
        form = _ELSEWHERE.get(kind)
        if form is not None and where:
            if kind == "kubectl-exec":
                # Without -n the namespace is the kubeconfig's, not told here: any namespace.
                namespace, _, pod = where.rpartition("/")
                where = f"{namespace or '*'}/pod/{pod}"
            elif kind == "ssh":
                where = where.rpartition("@")[2]
            places.append(form.format(where))
    return named_in(effect, places)


def _named_at_run_time(effect: Effect, cmd: SimpleCommand) -> bool:
    """Whether a delete, replace or unprotecting of ``effect`` names its resource by a word
    decided at run time (``kubectl delete ns $NS``, ``--db-instance-identifier=$DB``).

    Such a name matches no ``protected`` pattern, whatever it turns out to be, so judged as
    written it would let ``export DB=prod-main`` in one call and a delete of ``$DB`` in the
    next reach a protected resource. It is unknown instead, as a run-time path is for files."""
    if effect.effect not in DESTRUCTIVE_EFFECTS and not effect.removes_protection:
        return False
    parts: set[str] = set()
    for index in cmd.dynamic_words:
        if 0 < index < len(cmd.argv):
            word = cmd.argv[index]
            # The expansions themselves too: a handler may rewrite the rest of the word
            # (``remote:$B`` is named ``rclone:remote/$B``).
            parts.update(p for p in (word, word.partition("=")[2]) if p)
            parts.update(_EXPANSION.findall(word))
    # Also as a path's normalisation leaves them (``${x//a/b}`` in ``file:/w/${x/a/b}``).
    parts.update(n for part in tuple(parts) for n in as_normalised(part))
    names = [n for n in effect.resource.names if not n.startswith("shell:")]
    return any(part in name for part in parts for name in names)


# $NAME, ${…}, $(…) and `…` as they stand in a word decided at run time.
_EXPANSION = re.compile(r"\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]|`[^`]*`")


def empty_line_effect(text: str, ctx: ShellContext) -> Effect:
    """A line with nothing to run (blank, comments, assignments only)."""
    cmd = SimpleCommand(argv=(), program="", text="")
    effect = command_effect(EffectKind.READ, cmd, ctx, detail="runs no command")
    return replace(effect, resource=replace(effect.resource, names=(shell_name(text),)))
