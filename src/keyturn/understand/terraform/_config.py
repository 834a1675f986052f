"""The plan's ``configuration``: the parts of it that are judged.

``terraform show -json`` writes the configuration the plan was made from: each module's
resources (their provisioners, and the key of the provider configuration each uses) and every
provider configuration (``provider_config``, keyed ``aws``, ``aws.west``,
``module.net:aws``...) with the expressions it was given. The rest (outputs, variables,
expressions of resources) is skipped while decoding.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec

__all__ = [
    "ConfigModule",
    "ConfigResource",
    "Configuration",
    "ModuleCall",
    "ProviderConfig",
    "Provisioner",
    "modules",
]


class Provisioner(msgspec.Struct, frozen=True):
    """One ``provisioners[]`` entry of a configuration resource."""

    type: str = ""
    expressions: dict[str, Any] | None = None


class ConfigResource(msgspec.Struct, frozen=True):
    """A configuration resource: its address, provisioners and provider configuration."""

    address: str = ""
    provisioners: list[Provisioner] | None = None
    provider_config_key: str = ""


class ModuleCall(msgspec.Struct, frozen=True):
    """A ``module_calls`` entry: the called module's configuration."""

    module: ConfigModule | None = None


class ConfigModule(msgspec.Struct, frozen=True):
    """One module of the configuration: its resources and the modules it calls."""

    resources: list[ConfigResource] | None = None
    module_calls: dict[str, ModuleCall] | None = None


class ProviderConfig(msgspec.Struct, frozen=True):
    """One ``provider_config`` entry: which provider, and the expressions it was given."""

    name: str = ""
    full_name: str = ""
    expressions: dict[str, Any] | None = None


class Configuration(msgspec.Struct, frozen=True):
    """The plan's ``configuration``, down to what is judged."""

    root_module: ConfigModule | None = None
    provider_config: dict[str, ProviderConfig] | None = None


def modules(configuration: Configuration | None) -> Iterator[tuple[str, ConfigModule]]:
    """Every module of ``configuration`` with the address prefix of its resources
    (``""``, ``"module.net."``, ``"module.net.module.subnets."``...)."""
    if configuration is not None and configuration.root_module is not None:
        yield from _modules(configuration.root_module, "")


def _modules(
    module: ConfigModule, prefix: str, depth: int = 0
) -> Iterator[tuple[str, ConfigModule]]:
    yield prefix, module
    if depth > 64:  # a configuration is a tree of modules; a deeper one is not Terraform's
        return
    for name, call in (module.module_calls or {}).items():
        if call.module is not None:
            yield from _modules(call.module, f"{prefix}module.{name}.", depth + 1)
