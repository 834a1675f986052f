"""Which members of a JSON value hold a secret: by the key's name (any case, ``-``/``_``,
plurals), or by the mapping's own shape (a ``name``/``value`` pair naming a secret, an SSM
``SecureString``, a Kubernetes Secret's data).

Split from :mod:`.redaction` to keep it small; :class:`~keyturn.audit.redaction.Redactor` asks
it of every mapping it redacts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

from keyturn.audit.secrets import secret_name

# Keys that name a member, and the keys of its value, in lists of name/value pairs (ECS and
# Kubernetes environment variables, CloudFormation parameters, an MCP tool's settings).
_PAIR_NAMES = ("name", "Name", "key", "Key", "ParameterKey", "parameterKey", "OptionName")
_PAIR_NAMES_MORE = ("field", "Field")
_PAIR_VALUES = ("value", "Value", "ParameterValue", "parameterValue", "val", "Val")
# A Kubernetes object's annotation that repeats the whole object as ``kubectl apply`` saw it.
_LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def secret_members(value: Mapping[str, Any]) -> frozenset[str]:
    """The keys of ``value`` whose values are secret by the mapping's own shape."""
    keys: set[str] = set()
    for name in (*_PAIR_NAMES, *_PAIR_NAMES_MORE):
        named = value.get(name)
        if isinstance(named, str) and named and _secret_key(named):
            keys.update(k for k in _PAIR_VALUES if k in value)
    kind = value.get("Type", value.get("type"))
    if isinstance(kind, str) and kind.lower() == "securestring":
        keys.update(k for k in ("Value", "value") if k in value)
    if value.get("kind") == "Secret" and str(value.get("apiVersion", "v1")) == "v1":
        keys.update(k for k in ("data", "stringData") if k in value)
    # The object again, as JSON text: a Secret's data in clear among it.
    applied = value.get(_LAST_APPLIED)
    if isinstance(applied, str) and '"Secret"' in applied:
        keys.add(_LAST_APPLIED)
    return frozenset(keys)


# Key names a tool's arguments use for a credential that :func:`secret_name` (shared with
# shell variables and options, where ``--session`` or ``-pin`` mean other things) leaves alone.
_ARGUMENT_SECRETS = frozenset({"pin", "otp", "jwt", "bearer", "session", "sessionid", "pw"})


@functools.lru_cache(maxsize=4096)
def _secret_key(key: str) -> bool:
    """Whether a JSON member called ``key`` holds a secret (any case, ``-``/``_``, plurals)."""
    if secret_name(key) or (key.endswith(("s", "S")) and secret_name(key[:-1])):
        return True
    bare = re.sub(r"[-_\s]", "", key).lower()
    return bare in _ARGUMENT_SECRETS or bare.removesuffix("s") in _ARGUMENT_SECRETS
