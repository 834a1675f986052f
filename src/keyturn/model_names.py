"""How names of resources and of people are compared: the helpers behind :mod:`keyturn.model`.

The folding of people's and agents' names (:func:`name_key`, :func:`person_key`) and the
reading of a resource name's wildcards and bracket sets (what :class:`~keyturn.model.Resource`
tells once when it is built). Separate from the value types so that ``keyturn.model`` stays
the types alone. It imports nothing of keyturn's: everything imports it, through the model.
"""

from __future__ import annotations

import re
import unicodedata

# A bracket set as bash reads it: ``[`` then ``!``/``^`` for "not", a ``]`` right after that is
# one of the set, and ``[:alpha:]``, ``[.x.]``, ``[=e=]`` inside count as one member each.
_SET_MEMBER = r"(?:\[:[A-Za-z]+:\]|\[\.[^\]/]*\.\]|\[=[^\]/]*=\]|[^\]/])"
# A ``]`` first in a set is a member (``[]d]``), and may be its only one (``[!]]``: anything but
# ``]``, which ``/srv/pro[!]]`` is ``/srv/prod`` to bash).
_BRACKET_SET = re.compile(rf"\[[!^]?(?:\]{_SET_MEMBER}*|{_SET_MEMBER}+)\]")


def name_key(name: str) -> str:
    """The form two names of people or agents are compared in: without surrounding space,
    case, compatibility variants or invisible format characters (``Bob``, ``bob ``, ``ｂｏｂ``
    and ``b\u200bob`` are bob). Names are often claims (``$USER``, ``--agent``), so an exact
    comparison would let a respelled claim pass for another name."""
    folded = unicodedata.normalize("NFKC", name).strip().casefold()
    return "".join(c for c in folded if unicodedata.category(c) != "Cf")


# What an account name puts before the person: an identity provider's prefix or issuer
# (``oidc:alice``, ``https://idp.example#alice``), a service account's namespace
# (``system:serviceaccount:agents:kiro``), a Windows domain (``ACME\\alice``), an IAM path
# (``arn:aws:iam::1:user/alice``): everything up to the last of those separators.
_ACCOUNT_PREFIX = re.compile(r".*[:#/\\]", re.DOTALL)


def person_key(name: str) -> str:
    """The form two names are compared in when asking "is this the same person": without
    surrounding space, case or compatibility variants (``Bob``, ``bob ``, ``ｂｏｂ`` are
    bob), and of an account name only the person part -- the local part of an e-mail address,
    after any provider prefix, issuer, namespace or domain (``alice@acme.com``, ``oidc:alice``
    and ``ACME\\alice`` are alice). The agent, operator and requester come from claims
    (``$USER``, the body of a decision, a Kubernetes ``userInfo.username``), so an exact
    comparison would let the author of a change approve it under another spelling of her
    name. Strict on purpose: two people whose accounts share a person part (alice at two
    domains) cannot approve each other's changes. A name with no person part is itself."""
    folded = name_key(name)
    person = _ACCOUNT_PREFIX.sub("", folded.split("@", 1)[0])
    return person or folded


def path_brackets(name: str) -> bool:
    """Whether ``name`` is a path holding a bracket set (``file:/srv/dat[a]``): a glob."""
    return name.startswith("file:") and _BRACKET_SET.search(name) is not None


def brackets_as_one_character(name: str) -> str:
    """``name`` with each bracket set of a path written as ``?``, the one character it
    matches; other names as they are."""
    return _BRACKET_SET.sub("?", name) if path_brackets(name) else name


def wide_starts_of(names: tuple[str, ...]) -> tuple[str, ...]:
    """What each name that holds a wildcard (``*``, ``?``, a path's bracket set) starts with
    before it: :attr:`~keyturn.model.Resource.wide_starts`."""
    starts = []
    for name in names:
        cut, mark = name.find("*"), name.find("?")
        if mark >= 0 and (cut < 0 or mark < cut):
            cut = mark
        if "[" in name and name.startswith("file:"):
            # A path's bracket set is a glob the shell may expand (``dat[a]`` is ``data``);
            # elsewhere a bracket is part of a name (``aws_instance.web[0]``).
            bracket = name.find("[")
            if "]" in name[bracket:] and (cut < 0 or bracket < cut):
                cut = bracket
        if cut >= 0:
            starts.append(name[:cut])
    return tuple(starts)


def names_left_open(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names that stand for several resources by what they leave open below or inside
    them (``file:/srv/*``, ``k8s:*/pod/*``, ``arn:aws:s3:::b/*``). An ARN whose only open
    fields are its region and account (``arn:aws:rds:*:*:db:main``: the call did not say) is
    one resource, matched as written, as rules spell those fields with ``*`` themselves."""
    found = []
    for name in names:
        if "*" not in name and "?" not in name and not path_brackets(name):
            continue
        if name.startswith("arn:"):
            resource = name.split(":", 5)[5:]
            if not resource or ("*" not in resource[0] and "?" not in resource[0]):
                continue
        found.append(name)
    return tuple(found)
