"""Infrastructure-as-code tools besides terraform: ``terragrunt``, ``cdk``, ``eksctl`` and
``sam`` (``pulumi``: :mod:`.pulumi_cli`).

- ``terragrunt`` is terraform underneath: its command is judged as the same ``terraform``
  command (:mod:`.terraform_cli`), its own options dropped. ``run-all``, ``run --all`` and
  ``--all`` run it in every module under the directory: the names gain
  ``terraform:dir:<dir>/*``. Hooks and ``run_cmd`` in the module's ``terragrunt.hcl`` (or a
  parent configuration's, or the one ``--config``/``TG_CONFIG`` names; as the line leaves
  them) run commands of their own: unknown, as is ``run-all`` (every module's configuration,
  not read here), a setting decided at run time, and ``--tf-path`` naming another program.
- ``cdk``: each stack is ``arn:aws:cloudformation:*:*:stack/<name>/*`` (every stack with
  ``--all`` or none named), so protected stack ARNs hold across the AWS CLI, CloudFormation
  change sets and the CDK. ``destroy`` deletes; ``deploy``/``watch`` are unknown (``cdk diff``
  tells); ``diff``/``synth``/``ls`` read; ``bootstrap`` creates the ``CDKToolkit`` stack; ``gc``
  deletes unused assets.
- ``eksctl``: clusters are ``arn:aws:eks:*:*:cluster/<name>``, node groups, add-ons and
  Fargate profiles ``arn:aws:eks:*:*:<kind>/<cluster>/<name>/*``; IAM kinds are judged as the
  ``iam`` service. ``get`` reads, ``delete`` deletes, ``create`` creates, ``drain`` disrupts.
- ``sam``: ``delete`` deletes its stack; ``deploy``/``sync`` are unknown, and so are ``build``,
  ``local`` and ``package`` (they run or upload the project's code); listings read.

The CDK app (the project's own program) runs for every ``cdk`` command, as the project's code
runs for ``terraform plan``'s providers: keyturn judges the cloud side of it.

``--profile``/``--region`` (and ``AWS_PROFILE``/``AWS_REGION``) set the target, as for the AWS CLI.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace
from functools import partial

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands.terraform_cli import terraform
from keyturn.understand.shell.effects import home_path, unknown_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.line_writes import text_on_line
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command, evolve

_E = EffectKind


def _effect(
    kind: EffectKind,
    names: list[str],
    cmd: SimpleCommand,
    target: Target,
    service: str,
    detail: str,
    *,
    removes_protection: bool = False,
) -> Effect:
    return Effect(
        effect=kind,
        resource=Resource(tuple(dict.fromkeys(names)), type=service),
        target=target,
        service=service,
        command=cmd.text or None,
        operation=" ".join(a for a in cmd.argv[:3] if not a.startswith("-")),
        removes_protection=removes_protection,
        detail=detail,
    )


def _aws_target(
    cmd: SimpleCommand, ctx: ShellContext, opts: Options, *, botocore: bool = False
) -> Target:
    # botocore (sam) reads AWS_DEFAULT_PROFILE before AWS_PROFILE; the Go and JavaScript SDKs
    # (eksctl, cdk) read AWS_PROFILE only.
    names = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE") if botocore else ("AWS_PROFILE",)
    profile = next((v for v in (setting(cmd, ctx.env, n) for n in names) if v), None)
    own = Target(
        aws_profile=opts.value("profile") or profile,
        aws_region=opts.value("region") or setting(cmd, ctx.env, "AWS_REGION"),
    )
    return own.merged_over(ctx.target)


def _directory(path: str | None, ctx: ShellContext) -> str:
    return home_path(path, ctx) if path else ctx.cwd


# --- terragrunt --------------------------------------------------------------------------------

# terragrunt's own options that take a value (old --terragrunt-* spellings and the new ones).
_TERRAGRUNT_VALUED = frozenset(
    {"--terragrunt-config", "--config", "--terragrunt-working-dir", "--working-dir"}
    | {"--terragrunt-tfpath", "--tf-path", "--terragrunt-iam-role", "--iam-assume-role"}
    | {
        "--terragrunt-parallelism",
        "--parallelism",
        "--terragrunt-include-dir",
        "--queue-include-dir",
    }
    | {"--terragrunt-exclude-dir", "--queue-exclude-dir", "--terragrunt-log-level", "--log-level"}
    | {"--terragrunt-download-dir", "--download-dir", "--terragrunt-source", "--source"}
)
# The old spellings of the options whose value is looked at, by the new one.
_SAME_OPTION = {
    "--terragrunt-working-dir": "--working-dir",
    "--terragrunt-config": "--config",
    "--terragrunt-tfpath": "--tf-path",
}
# The variables that give those options when the line does not (the new ``TG_`` names first).
_OPTION_VARIABLES = {
    "--working-dir": ("TG_WORKING_DIR", "TERRAGRUNT_WORKING_DIR"),
    "--config": ("TG_CONFIG", "TERRAGRUNT_CONFIG"),
    "--tf-path": ("TG_TF_PATH", "TERRAGRUNT_TFPATH"),
}


@command("terragrunt")
def terragrunt(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """The terraform command terragrunt runs, judged as terraform's."""
    args = list(cmd.args)
    every_module = False
    if args[:1] == ["run-all"]:
        every_module, args = True, args[1:]
    elif args[:1] == ["run"]:
        args = args[1:]
    kept: list[str] = []
    given: dict[str, str] = {}  # terragrunt's own valued options, by their new spelling
    run_time = False
    i = 0
    while i < len(args):
        word = args[i]
        name, eq, value = word.partition("=")
        if word in ("--all", "--terragrunt-all"):
            every_module = True
        elif name in _TERRAGRUNT_VALUED:
            value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            option = _SAME_OPTION.get(name, name)
            at = len(cmd.args) - len(args) + i + (1 if eq else 2)  # the value's argv index
            run_time = run_time or (option in _OPTION_VARIABLES and at in cmd.dynamic_words)
            given[option] = value
            i += 0 if eq else 1
        elif word != "--" and not word.startswith("--terragrunt-"):
            kept.append(word)
        i += 1
    if not kept:
        return None
    given = _with_variables(given, cmd, ctx)
    directory = _directory(given.get("--working-dir"), ctx)
    inner = evolve(cmd, argv=(cmd.name, *kept))
    effects = terraform(inner, evolve(ctx, cwd=directory)) or []
    effects += _settings_not_known(given, cmd, ctx, run_time=run_time)
    config = given.get("--config")
    config = home_path(config, ctx) if config else None
    effects += _terragrunt_commands(cmd, ctx, directory, config=config, every_module=every_module)
    if not every_module:
        return effects
    tree = f"terraform:dir:{directory.rstrip('/')}/*"
    return [
        evolve(
            e,
            resource=Resource((*e.resource.names, tree), e.resource.type),
            detail=e.detail + f"; in every module under {directory}",
        )
        for e in effects
    ]


def _with_variables(given: dict[str, str], cmd: SimpleCommand, ctx: ShellContext) -> dict[str, str]:
    """terragrunt's options ``given`` on the line, and those its variables give otherwise."""
    found = dict(given)
    for option, variables in _OPTION_VARIABLES.items():
        value = next((v for v in map(partial(setting, cmd, ctx.env), variables) if v), None)
        if option not in found and value is not None:
            found[option] = value
    return found


def _settings_not_known(
    given: dict[str, str], cmd: SimpleCommand, ctx: ShellContext, *, run_time: bool
) -> list[Effect]:
    """Unknown when a setting that decides what terragrunt reads or runs is decided at run
    time, or when it runs another program than terraform (``--tf-path``)."""
    deciding = [given[o] for o in _OPTION_VARIABLES if o in given]
    if run_time or any(c in v for v in deciding for c in "$`"):
        return [unknown_effect(cmd, "terragrunt's settings are decided at run time", ctx)]
    program = given.get("--tf-path", "terraform")
    if program not in ("terraform", "tofu"):
        return [unknown_effect(cmd, f"terragrunt runs {program} in terraform's place", ctx)]
    return []


# What in a terragrunt configuration runs a command of its own.
_TERRAGRUNT_RUNS = re.compile(r"\b(before_hook|after_hook|error_hook|run_cmd)\b")
_CONFIG_NAMES = ("terragrunt.hcl", "terragrunt.hcl.json", "root.hcl", "terragrunt.stack.hcl")
_MAX_LEVELS = 32


def _terragrunt_commands(
    cmd: SimpleCommand,
    ctx: ShellContext,
    directory: str,
    *,
    config: str | None,
    every_module: bool,
) -> list[Effect]:
    """Unknown when a configuration terragrunt reads may run commands: hooks and ``run_cmd``
    in the module's ``terragrunt.hcl`` (or the one ``config`` names) or a parent's it includes
    (read up to the root), or in any module under the directory (``run-all``: not read here).

    Each file is read as the line leaves it: one an earlier command on the line rewrote in a
    way not known may hold anything, and is unknown too."""
    if every_module:
        return [unknown_effect(cmd, "every module's terragrunt.hcl may run hooks", ctx)]
    paths = [config] if config else []
    starts = [directory, *([posixpath.dirname(config)] if config else [])]
    for start in dict.fromkeys(starts):
        folder = start.rstrip("/") or "/"
        for _ in range(_MAX_LEVELS):
            paths += [f"{folder.rstrip('/')}/{name}" for name in _CONFIG_NAMES]
            if folder == "/":
                break
            folder = posixpath.dirname(folder)
    for path in dict.fromkeys(paths):
        text, changed = text_on_line(path, ctx, limit=1_000_000)
        if changed:
            reason = f"{path} is changed on the line in a way not known: it may run commands"
            return [unknown_effect(cmd, reason, ctx)]
        found = _TERRAGRUNT_RUNS.search(text or "")
        if found:
            return [unknown_effect(cmd, f"{path} runs commands ({found.group(1)})", ctx)]
    return []


# --- cdk ---------------------------------------------------------------------------------------

_CDK = OptionSpec(
    valued="acoe",
    long={"app": "a", "context": "c", "output": "o", "exclusively": "e"},
    long_valued=frozenset({"a", "c", "o", "profile", "region", "role-arn", "toolkit-stack-name"})
    | frozenset({"parameters", "outputs-file", "method", "change-set-name", "concurrency"})
    | frozenset({"build-exclude", "notification-arns", "tags", "t", "plugin", "proxy"})
    | frozenset({"build"}),
)
# Commands that synthesize, so run the ``build`` command and then the ``app`` (aws-cdk's
# ``exec.js``: ``if (build) await exec(build)``, then the app's command line in a shell).
_CDK_SYNTHESIZES = frozenset({"ls", "list", "synth", "synthesize", "diff", "deploy", "destroy"})
_CDK_SYNTHESIZES |= frozenset({"watch", "import", "drift", "bootstrap", "rollback", "refactor"})
_CDK_READS = frozenset({"diff", "synth", "synthesize", "ls", "list", "doctor", "docs", "doc"})
_CDK_READS |= frozenset({"metadata", "notices", "version", "drift", "flags", ""})


@command("cdk")
def cdk(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """AWS CDK subcommands, as the module docstring says, and the commands they run."""
    opts = parse_options(cmd.args, _CDK)
    found = _cdk(cmd, ctx, opts)
    if found is not None and opts.value("profile") is None:
        found = [*found, *_cdk_json_profile(found, ctx)]
    sub = opts.operands[0] if opts.operands else ""
    if found is None or sub not in _CDK_SYNTHESIZES or opts.has("help", "h", "version"):
        return found
    return [*found, *_cdk_app_runs(cmd, ctx, opts)]


def _cdk_json_profile(effects: list[Effect], ctx: ShellContext) -> list[Effect]:
    """``effects`` again under the profile cdk.json (or ~/.cdk.json) names, which the CDK may
    use over ``AWS_PROFILE`` (judged both ways: the stricter decides); under a profile no
    environment names when the line rewrote the file."""
    from keyturn.understand.shell.commands._cdk_settings import cdk_setting
    from keyturn.understand.shell.commands.aws_cli import UNKNOWN_ACCOUNT

    profile, reason = cdk_setting("profile", ctx)
    if profile is None and not reason:
        return []
    named = profile if profile is not None else UNKNOWN_ACCOUNT
    return [
        replace(e, target=replace(e.target, aws_profile=named, aws_account=None))
        for e in effects
        if e.effect is not _E.READ and e.target.aws_profile != named
    ]


def _cdk_app_runs(cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> list[Effect]:
    """What the ``build`` and ``app`` commands (``--build``/``--app``, else cdk.json's, else
    ~/.cdk.json's) do, judged as the command lines they are; ``unknown`` when they cannot be
    told (decided at run time, a settings file the line rewrote or that is not JSON)."""
    from keyturn.understand.shell.commands._cdk_settings import cdk_setting

    out: list[Effect] = []
    for key in ("build", "app"):
        given = opts.value(key) if key == "build" else (opts.value("app") or opts.value("a"))
        if given is not None and any(given in cmd.argv[i] for i in cmd.dynamic_words if i):
            text: str | None = None
            reason = f"cdk --{key}: the command is decided at run time"
        elif given is not None:
            text, reason = given, ""
        else:
            text, reason = cdk_setting(key, ctx)
        if text is None and not reason:
            continue  # none given: nothing runs for it
        if key == "app" and text is not None and ctx.files.is_dir(home_path(text, ctx)):
            continue  # a cloud assembly directory (cdk.out): read, not run
        if text is None or ctx.understand_nested is None:
            reason = reason or f"cdk runs its {key} command, which cannot be judged here"
            out.append(unknown_effect(cmd, reason, ctx))
        else:
            out.extend(ctx.understand_nested(text))
    return out


def _cdk(cmd: SimpleCommand, ctx: ShellContext, opts: Options) -> list[Effect] | None:
    sub, stacks = (opts.operands[0], list(opts.operands[1:])) if opts.operands else ("", [])
    target = _aws_target(cmd, ctx, opts)
    every = opts.has("all") or not stacks
    names = [f"arn:aws:cloudformation:*:*:stack/{s}/*" for s in (["*"] if every else stacks)]

    def effect(kind: EffectKind, detail: str, on: list[str] = names) -> Effect:
        return _effect(kind, on, cmd, target, "cloudformation", detail)

    if sub in _CDK_READS or opts.has("help", "h", "version"):
        return [effect(_E.READ, f"{sub or 'help'}: changes nothing")]
    if sub == "destroy":
        forced = " (--force: no confirmation)" if opts.has("force", "f") else ""
        return [effect(_E.DELETE, "destroy: deletes the stack and its resources" + forced)]
    if sub in ("deploy", "watch"):
        return [effect(_E.UNKNOWN, f"{sub}: changes not known until diffed (cdk diff)")]
    if sub == "bootstrap":
        toolkit = opts.value("toolkit-stack-name") or "CDKToolkit"
        on = [f"arn:aws:cloudformation:*:*:stack/{toolkit}/*"]
        return [effect(_E.CREATE, "bootstrap: creates or updates the toolkit stack", on)]
    if sub == "gc":
        return [
            effect(
                _E.DELETE,
                "gc: deletes unused assets of the bootstrap bucket",
                ["arn:aws:s3:::cdk-*"],
            )
        ]
    if sub == "context":
        kind = _E.UPDATE if opts.has("reset", "clear", "e") else _E.READ
        return [
            effect(kind, "context (cdk.context.json)", ["file:" + ctx.cwd + "/cdk.context.json"])
        ]
    if sub in ("import", "rollback", "refactor", "migrate", "init", "acknowledge", "ack"):
        kind = _E.CREATE if sub in ("init", "migrate") else _E.UPDATE
        return [effect(kind, sub)]
    return None


# --- eksctl ------------------------------------------------------------------------------------

_EKSCTL = OptionSpec(
    valued="nfrp",
    aliases={"r": "region", "p": "profile"},  # -r/--region, -p/--profile: one key each
    long={"name": "n", "config-file": "f", "region": "region", "profile": "profile"},
    long_valued=frozenset({"n", "f", "region", "profile", "cluster", "nodegroup", "timeout"})
    | frozenset({"namespace", "output", "o", "version", "nodes", "nodes-min", "nodes-max"}),
)
_EKSCTL_VERBS = (
    dict.fromkeys(("get", "info", "version", "completion", ""), _E.READ)
    | dict.fromkeys(("delete", "deregister", "disassociate"), _E.DELETE)
    | dict.fromkeys(("create", "register", "associate"), _E.CREATE)
    | dict.fromkeys(("update", "upgrade", "set", "unset", "scale", "enable", "drain"), _E.UPDATE)
    | {"utils": _E.UPDATE}
)
_EKS_NODE_KINDS = {
    "nodegroup": "nodegroup",
    "ng": "nodegroup",
    "addon": "addon",
    "fargateprofile": "fargateprofile",
}


@command("eksctl")
def eksctl(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """eksctl VERB KIND: clusters and what hangs off them, as the module docstring says."""
    opts = parse_options(cmd.args, _EKSCTL)
    words = list(opts.operands)
    verb, kind = [*words, "", ""][:2]
    target = _aws_target(cmd, ctx, opts)
    effect = _EKSCTL_VERBS.get(verb)
    if effect is _E.READ or (verb == "utils" and kind.startswith("describe")):
        everything = ["arn:aws:eks:*:*:cluster/*"]
        return [_effect(_E.READ, everything, cmd, target, "eks", "changes nothing")]
    if effect is None:
        return None
    named = opts.value("n") or (words[2] if len(words) > 2 else None)
    cluster = opts.value("cluster") or (named if kind == "cluster" else None) or "*"
    if kind == "cluster":
        names = [f"arn:aws:eks:*:*:cluster/{cluster}"]
    elif kind in _EKS_NODE_KINDS:
        names = [f"arn:aws:eks:*:*:{_EKS_NODE_KINDS[kind]}/{cluster}/{named or '*'}/*"]
    else:
        names = [f"eksctl:{cluster}/{kind or '?'}/{named or '*'}"]
    service = "iam" if kind.startswith("iam") else "eks"
    if opts.has("f") and not opts.has("n"):
        detail = f"as the config file {opts.value('f')} says (not read here)"
        return [_effect(_E.UNKNOWN, names, cmd, target, service, f"{verb} {kind} {detail}")]
    detail = f"{verb} {kind}"
    if verb == "drain":
        detail = "disruptive: evicts every pod of the node group"
    return [_effect(effect, names, cmd, target, service, detail)]


# --- sam ---------------------------------------------------------------------------------------

_SAM = OptionSpec(
    long_valued=frozenset({"stack-name", "profile", "region", "template", "t", "config-env"})
    | frozenset({"s3-bucket", "config-file", "parameter-overrides", "capabilities"}),
)
# build and local run the project's own build and functions: not judged here (unknown).
_SAM_READS = frozenset({"validate", "logs", "list", "traces", "init"})


@command("sam")
def sam(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """AWS SAM subcommands, as the module docstring says."""
    opts = parse_options(cmd.args, _SAM)
    sub = opts.operands[0] if opts.operands else ""
    target = _aws_target(cmd, ctx, opts, botocore=True)
    names = [f"arn:aws:cloudformation:*:*:stack/{opts.value('stack-name') or '*'}/*"]
    if sub in _SAM_READS or not sub:
        return [_effect(_E.READ, names, cmd, target, "cloudformation", f"{sub}: local work")]
    if sub == "delete":
        return [_effect(_E.DELETE, names, cmd, target, "cloudformation", "deletes the stack")]
    if sub in ("deploy", "sync"):
        detail = f"{sub}: changes not known until its change set is seen"
        return [_effect(_E.UNKNOWN, names, cmd, target, "cloudformation", detail)]
    return None
