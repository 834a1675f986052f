"""Which AWS services and operations exist, straight from botocore's own service models.

Nothing here is a hand-kept list of operations: a service is any name botocore knows, an
operation any name in its model. The only hand-kept names are the three AWS CLI aliases
(``s3api``, ``configservice``, ``deploy``) that are not botocore names.

Loading a model is slow (tens of milliseconds, seconds for all of them), so every lookup is
cached per service and botocore is imported only when an AWS call is actually understood.

Only the models botocore ships are read: a botocore session would also read ``AWS_DATA_PATH``,
a ``data_path`` in the AWS config file of keyturn's own environment, and ``~/.aws/models``,
where a planted model could rename an operation, its identifiers or its service's ARN
namespace, and so how keyturn reads every call of that service.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from keyturn.errors import InputError

if TYPE_CHECKING:  # pragma: no cover - typing only
    from botocore.model import OperationModel, ServiceModel

# AWS CLI command names that are not botocore service names (formats.md §8.1).
CLI_ALIASES = {"s3api": "s3", "configservice": "config", "deploy": "codedeploy"}


@functools.cache
def _loader() -> Any:
    """botocore's model loader over its own ``data`` directory only (with the SDK extras
    botocore ships beside each model): nothing of the environment, the config or the home."""
    import botocore.loaders

    builtin = botocore.loaders.Loader.BUILTIN_DATA_PATH
    return botocore.loaders.Loader(extra_search_paths=[builtin], include_default_search_paths=False)


@functools.cache
def _session() -> object:
    import botocore.session

    session = botocore.session.Session()
    # Registered before any lookup: the session would build its own from ``data_path``.
    session.register_component("data_loader", _loader())
    return session


@functools.cache
def service_names() -> frozenset[str]:
    """Every botocore service name (``rds``, ``secretsmanager``, ``logs``...)."""
    return frozenset(_session().get_available_services())  # type: ignore[attr-defined]


@functools.cache
def service_model(name: str) -> ServiceModel:
    """The botocore model of service ``name`` (a botocore service name), cached."""
    model: ServiceModel = _session().get_service_model(name)  # type: ignore[attr-defined]
    return model


@functools.cache
def _metadata_index() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """``{hyphenised service id: name}`` and ``{endpoint prefix: names}`` over every model.

    Built once, only when a name is not a botocore name outright. Parsing every model whole
    takes seconds -- too long for a hook that meets one unknown host -- so only each model's
    ``metadata``, which botocore writes at the head of the file, is read (tens of ms); a model
    whose head does not hold both keys is loaded whole.
    """
    loader = _loader()
    by_id: dict[str, str] = {}
    by_prefix: dict[str, list[str]] = {}
    for name in sorted(service_names()):
        meta = _model_head(loader, name)
        if meta is None:
            meta = loader.load_service_model(name, "service-2").get("metadata", {})
        service_id = str(meta.get("serviceId", "")).lower().replace(" ", "-")
        if service_id:
            by_id.setdefault(service_id, name)
        prefix = str(meta.get("endpointPrefix", ""))
        if prefix:
            by_prefix.setdefault(prefix, []).append(name)
    return by_id, {k: tuple(v) for k, v in by_prefix.items()}


_HEAD_BYTES = 8192
_META_KEY = re.compile(r'"(serviceId|endpointPrefix)"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _model_head(loader: Any, name: str) -> dict[str, str] | None:
    """``serviceId`` and ``endpointPrefix`` from the head of ``name``'s latest model file (the
    one botocore's loader would load), or ``None`` when they are not both found there."""
    import gzip
    import json
    import os

    try:
        version = loader.determine_latest_version(name, "service-2")
    except Exception:  # any failure: load the model whole instead
        return None
    for root in loader.search_paths:
        base = os.path.join(root, name, version, "service-2.json")
        for path, opener in ((base + ".gz", gzip.open), (base, open)):
            if os.path.isfile(path):
                with opener(path, "rb") as handle:
                    head = handle.read(_HEAD_BYTES).decode("utf-8", "replace")
                found = {key: json.loads(f'"{value}"') for key, value in _META_KEY.findall(head)}
                return found if len(found) == 2 else None
    return None


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(set(choices)), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def resolve_service(service: str) -> str:
    """The botocore service name for a CLI/boto3 name, a hyphenised service id or a CLI alias.

    Raises InputError naming the service, with a suggestion, when no model has that name.
    """
    word = service.strip().lower()
    names = service_names()
    if word in names:
        return word
    if word in CLI_ALIASES:
        return CLI_ALIASES[word]
    if word.replace("-", "") in names:
        return word.replace("-", "")
    by_id, _ = _metadata_index()
    if word in by_id:
        return by_id[word]
    hint = _suggest(word, [*names, *by_id, *CLI_ALIASES])
    raise InputError(f"aws: unknown service {service!r}{hint}")


def services_for_endpoint(prefix: str) -> tuple[str, ...]:
    """Service names whose endpoint prefix is ``prefix`` (CloudTrail's ``eventSource`` host).

    Usually one; ``elasticloadbalancing`` is both ``elbv2`` and ``elb`` (elbv2 first).
    """
    prefix = prefix.lower()
    direct = (prefix,) if prefix in service_names() else ()
    _, by_prefix = _metadata_index() if not direct else ({}, {})
    found = list(direct) or list(by_prefix.get(prefix, ()))
    found.sort(key=lambda n: (not n.endswith("v2"), n))
    return tuple(found)


@functools.cache
def _operation_table(service: str) -> dict[str, str]:
    """``{spelling: OperationName}`` for CamelCase, lower case and the CLI's kebab case."""
    from botocore import xform_name

    table: dict[str, str] = {}
    for op in service_model(service).operation_names:
        table[op] = op
        table[op.lower()] = op
        table[xform_name(op, "-")] = op
    return table


def resolve_operation(service: str, operation: str) -> str:
    """The model's CamelCase operation name for ``operation`` of botocore service ``service``."""
    table = _operation_table(service)
    word = operation.strip()
    found = table.get(word) or table.get(word.lower())
    if found is None:
        hint = _suggest(word, table) if word else ""
        raise InputError(f"aws: service {service!r} has no operation {operation!r}{hint}")
    return found


def operation_model(service: str, operation: str) -> OperationModel:
    """The botocore OperationModel of a resolved service and operation."""
    return service_model(service).operation_model(operation)
