"""Infrastructure-as-code tools besides terraform: ``terragrunt``, ``cdk``, ``eksctl`` and
``sam`` (``pulumi``: :mod:`.pulumi_cli`).

- ``terragrunt`` is terraform underneath: its command is judged as the same ``terraform``
  command, hooks and ``run_cmd`` in its configuration included (in :mod:`._terragrunt`, a
  module of its own, imported here so that it registers with the other IaC tools).
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

from dataclasses import replace

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._terragrunt import (
    terragrunt as terragrunt,  # registers terragrunt
)
from keyturn.understand.shell.effects import home_path, unknown_effect
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

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
