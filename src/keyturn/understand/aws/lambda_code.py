"""Calls that change the code a Lambda function runs, and the function they name.

A function runs the code of its ``$LATEST`` (``update-function-code``), started by its
handler in its runtime with its layers (``update-function-configuration``), and callers that
use an alias (``function:NAME:ALIAS``) run the version the alias points at (``update-alias``,
``create-alias``). Each is an ``update`` of the function, said so in the effect's detail: the
function keeps its ARN, its configuration, its permissions, its triggers and its published
versions (immutable), as a Terraform plan (an in-place update) and CloudFormation ("update
requires: no interruption" for ``Code``) judge the same change. It is not a ``replace``, which
keyturn keeps for what destroys the resource or its data (a table, history, a disk).

Names: a call on an alias or version names its qualified ARN *and* the function's own, so
that a pattern written for the function (``arn:aws:lambda:*:*:function:prod-*``, a protected
name, an environment's ``resources``) holds against calls that reach it through a qualifier;
creating or deleting an alias or version is that of the qualified ARN and an ``update`` of the
function (the function itself stays). Alias operations used to be named ``…:alia/NAME`` (the
noun's stem), which named no function.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from keyturn.model import Effect, EffectKind, Resource
from keyturn.understand.aws.naming import Identifier

__all__ = ["alias_identifier", "code_change_notes", "through_qualifiers"]

_ALIAS_NOUNS = frozenset({"Alias"})
# What decides the code a function's runtime loads (UpdateFunctionConfiguration's members).
_CODE_MEMBERS = ("Handler", "Runtime", "Layers", "ImageConfig")
# Variables that make a runtime load other code before the handler: AWS's wrapper scripts
# (``AWS_LAMBDA_EXEC_WRAPPER``) and the language-specific ones the Lambda guide lists
# (``NODE_OPTIONS``, ``JAVA_TOOL_OPTIONS``, ``DOTNET_STARTUP_HOOKS``), and their kin.
_CODE_VARIABLES = frozenset(
    {
        "AWS_LAMBDA_EXEC_WRAPPER",
        "NODE_OPTIONS",
        "JAVA_TOOL_OPTIONS",
        "_JAVA_OPTIONS",
        "DOTNET_STARTUP_HOOKS",
        "PYTHONPATH",
        "PYTHONSTARTUP",
        "LD_PRELOAD",
        "PERL5OPT",
        "RUBYOPT",
    }
)


def alias_identifier(noun: str, params: Mapping[str, Any]) -> Identifier | None:
    """An alias operation's one identifier: the alias's qualified function name
    (``FunctionName`` ``:`` ``Name``); None for another operation, or one without both."""
    function, alias = params.get("FunctionName"), params.get("Name")
    if noun not in _ALIAS_NOUNS or not isinstance(function, str) or not function:
        return None
    if not isinstance(alias, str) or not alias:
        return None
    return Identifier("FunctionName", (f"{function}:{alias}",))


def through_qualifiers(effects: list[Effect]) -> list[Effect]:
    """``effects`` with the function each qualified function ARN (``function:NAME:QUALIFIER``)
    belongs to: named beside it, or for a create or delete (of the alias or version), an
    ``update`` of the function of its own."""
    out: list[Effect] = []
    for effect in effects:
        functions = _functions(effect.resource.names)
        if not functions:
            out.append(effect)
        elif effect.effect in (EffectKind.CREATE, EffectKind.DELETE):
            verb = "creates" if effect.effect is EffectKind.CREATE else "deletes"
            detail = f"{verb} an alias or version of the function; {effect.detail}"
            function = Resource(names=functions)
            out += [
                effect,
                replace(effect, effect=EffectKind.UPDATE, resource=function, detail=detail),
            ]
        else:
            names = tuple(dict.fromkeys((*effect.resource.names, *functions)))
            out.append(replace(effect, resource=replace(effect.resource, names=names)))
    return out


def _functions(names: tuple[str, ...]) -> tuple[str, ...]:
    """The function ARN of each qualified function ARN among ``names``."""
    found: list[str] = []
    for name in names:
        parts = name.split(":")
        if len(parts) == 8 and parts[2] == "lambda" and parts[5] == "function":
            found.append(":".join(parts[:7]))
    return tuple(dict.fromkeys(found))


def code_change_notes(qualified: str, params: Mapping[str, Any]) -> list[str]:
    """What the call changes in the code the function (or an alias of it) runs, for the
    effect's detail; ``[]`` when it changes none."""
    if qualified == "lambda:UpdateFunctionCode":
        notes = ["replaces the code the function runs ($LATEST)"]
        if params.get("Publish") is True:
            notes.append("and publishes it as a new version")
        return notes
    if qualified == "lambda:UpdateFunctionConfiguration":
        return _configuration_notes(params)
    if qualified in ("lambda:UpdateAlias", "lambda:CreateAlias"):
        version = params.get("FunctionVersion")
        notes = [f"points the alias at version {version}"] if version is not None else []
        if params.get("RoutingConfig") is not None:
            notes.append("routes a share of the alias's calls to another version")
        return notes
    return []


def _configuration_notes(params: Mapping[str, Any]) -> list[str]:
    changed = [m for m in _CODE_MEMBERS if m in params]
    notes = [f"changes the code the function runs ({', '.join(changed)})"] if changed else []
    environment = params.get("Environment")
    variables = environment.get("Variables") if isinstance(environment, Mapping) else None
    if isinstance(variables, Mapping):
        loading = sorted(_CODE_VARIABLES & {str(k).upper() for k in variables})
        if loading:
            notes.append(f"sets {', '.join(loading)}: the runtime loads other code with it")
    return notes
