"""The Serverless Framework (``serverless``, ``sls``) on AWS.

A service is one CloudFormation stack, ``<service>-<stage>``, named as the other AWS tools name
stacks (``arn:aws:cloudformation:*:*:stack/shop-prod/*``); a function deployed alone is the
Lambda function ``<service>-<stage>-<function>``. The service comes from ``serverless.yml``
(``.yaml``, ``.json``; ``--config``), the stage from ``--stage``, else ``provider.stage``,
else ``dev`` (Serverless's default); a value the framework computes (``${…}``) is ``*``.
``--aws-profile``/``provider.profile``/``AWS_PROFILE`` and ``--region``/``provider.region``
are the target's hints, as for ``aws``.

Kinds: ``info``, ``print``, ``package``, ``logs``, ``metrics``, ``deploy list`` read;
``remove`` deletes the stack and every resource in it; ``deploy`` changes the stack in ways
not known until packaged and diffed (unknown, as ``cdk deploy``); ``deploy function``
updates that function's code; ``rollback`` updates the stack or the function.

Unknown on purpose: ``invoke`` (runs the function: what it does is not judged), ``invoke
local``, ``offline`` and ``dev`` (they run the service's code here), a configuration written
in JavaScript or TypeScript (not read), and any command not listed.
"""

from __future__ import annotations

from typing import Any

from keyturn.model import Effect, EffectKind, Resource, Target
from keyturn.understand.shell.commands._argv import setting
from keyturn.understand.shell.commands._paas_common import read_text
from keyturn.understand.shell.effects import command_effect, home_path
from keyturn.understand.shell.flags import Options, OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
_SLS = OptionSpec(
    valued="sfrct",
    long={"stage": "s", "function": "f", "region": "r", "config": "c", "timestamp": "t"},
    long_valued=frozenset({"s", "f", "r", "c", "t", "aws-profile", "app", "org", "param"})
    | {"data", "path", "d", "p", "type", "startTime", "filter", "package", "update-config"},
    abbreviations=False,
)
_READS = frozenset({"info", "print", "package", "logs", "metrics", "help", "--help", "version"})
_CONFIG_FILES = ("serverless.yml", "serverless.yaml", "serverless.json")


def _config(ctx: ShellContext, opts: Options) -> dict[str, Any] | None:
    """``serverless.yml`` (or the ``--config`` file) at hand, parsed; ``None`` when not."""
    import json

    import yaml

    from keyturn.yaml_limits import load

    chosen = opts.value("c")
    for name in [chosen] if chosen else _CONFIG_FILES:
        text = read_text(ctx, home_path(name, ctx))
        if text is None:
            continue
        if name.endswith(".json"):
            try:
                found = json.loads(text)
            except ValueError:
                return None
        else:
            try:
                found = load(text, _TaggedLoader)  # tags made inert; an alias bomb refused
            except yaml.YAMLError:
                return None
        return found if isinstance(found, dict) else None
    return None


def _tagged_loader() -> type:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc,valid-type]
        """Safe loading that reads CloudFormation's tags (``!Ref``, ``!GetAtt``) as null."""

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    return Loader


_TaggedLoader = _tagged_loader()


def _plain(value: Any) -> str | None:
    """A setting's literal text; ``*`` when the framework computes it (``${opt:stage}``)."""
    if isinstance(value, str) and value:
        return "*" if "${" in value else value
    return None


def _service(config: dict[str, Any] | None) -> str:
    service = config.get("service") if config else None
    if isinstance(service, dict):
        service = service.get("name")
    return _plain(service) or "*"


def _provider(config: dict[str, Any] | None, key: str) -> str | None:
    provider = config.get("provider") if config else None
    return _plain(provider.get(key)) if isinstance(provider, dict) else None


@command("serverless", "sls")
def serverless(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """Serverless commands, as the module docstring says."""
    opts = parse_options(cmd.args, _SLS)
    words = list(opts.operands)
    verb = " ".join(words[:2]) if words[:2] in (["deploy", "function"], ["deploy", "list"]) else ""
    verb = verb or (words[0] if words else "")
    if not verb or verb in _READS or verb == "deploy list" or opts.has("help", "h", "version"):
        return [command_effect(_E.READ, cmd, ctx, detail="changes nothing")]
    config = _config(ctx, opts)
    stage = opts.value("s") or _provider(config, "stage") or "dev"
    stack = f"{_service(config)}-{stage}"
    target = Target(
        aws_profile=opts.value("aws-profile")
        or _provider(config, "profile")
        or setting(cmd, ctx.env, "AWS_PROFILE"),
        aws_region=opts.value("r") or _provider(config, "region"),
    ).merged_over(ctx.target)
    note = "the service's configuration is not at hand" if config is None else ""

    def effect(kind: EffectKind, names: list[str], detail: str) -> Effect:
        service = "lambda" if names[0].startswith("arn:aws:lambda") else "cloudformation"
        return Effect(
            effect=kind,
            resource=Resource(tuple(names), type=service),
            target=target,
            service=service,
            command=cmd.text or None,
            operation=f"{cmd.name} {verb}",
            detail="; ".join(d for d in (detail, note) if d),
        )

    stack_names = [f"arn:aws:cloudformation:*:*:stack/{stack}/*"]
    function = f"arn:aws:lambda:*:*:function:{stack}-{opts.value('f') or '*'}"
    if verb == "remove":
        return [effect(_E.DELETE, stack_names, "deletes the stack and every resource in it")]
    if verb == "deploy":
        return [effect(_E.UNKNOWN, stack_names, "changes not known until packaged and diffed")]
    if verb == "deploy function":
        return [effect(_E.UPDATE, [function], "deploys the function's code and settings")]
    if verb == "rollback":
        on = [function] if words[1:2] == ["function"] else stack_names
        return [effect(_E.UPDATE, on, "rolls back to an earlier deployment")]
    if verb == "invoke" and words[1:2] != ["local"]:
        return [effect(_E.UNKNOWN, [function], "runs the function: what it does is not judged")]
    return None
