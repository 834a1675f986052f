"""Self-protection of keyturn's installation as it really is where the judging process runs.

The built-in patterns (:mod:`.selfprotect`) know keyturn's standard install places
(``*/site-packages/keyturn``, pipx's and uv's tool environments, ``*/bin/keyturn``). The process
that judges IS keyturn, and it knows where it runs from, which the patterns may miss: an
editable install (a checkout's ``src/keyturn``), a virtual environment whose root the agent
could delete whole (``rm -rf .venv`` from the project holding it), a ``Scripts\\keyturn.exe``,
a path reached through a symbolic link. Guarded, for every policy this process loads:

- written (any change of it or of what is in it): the package directory
  (``os.path.dirname(keyturn.__file__)``, as imported and resolved) and the ``keyturn``
  command next to the interpreter (``sys.prefix``'s ``bin/keyturn``, ``Scripts\\keyturn.exe``),
  plus the one found on ``PATH`` when it resolves into that same prefix;
- removed or replaced as a whole (and everything in it at once): the virtual environment's root
  (``sys.prefix`` when it differs from ``sys.base_prefix``), and its ``site-packages`` (which
  hold an editable install's ``.pth`` file and the package's metadata). Other packages in them
  may still be edited, installed or removed one by one: that is the policy's business.

Each place comes with its *bound*: the highest directory whose wholesale change counts as a
change of the place (``rm -rf .venv/*``, ``tar -x -C .venv``, ``rm -rf .v*``). It is the virtual
environment's root for what lies in it, else the ``site-packages`` the package lies in (or the
``src`` folder of a checkout's layout), else the place itself: a project directory holding the
environment or the checkout is not counted (``git pull``, ``git checkout .`` and an archive
extracted into the project name ``<project>/*``, and are common work), as for ``.claude``.

These are the judging machine's paths. The server judges for agents on other machines, where
the same paths are another machine's files: a refusal there is harmless (those paths hold
keyturn on the server, seldom anything an agent elsewhere needs to change).

Why the policy package reads ``sys`` and the ``PATH`` here, against the rule that the core
takes the world as arguments: what is read is this process's own code and interpreter, not the
caller's world, and every caller that loads a policy would otherwise have to pass the same
thing. :func:`install_places` is pure; :func:`running_install` reads once per process (the
paths do not change while it runs), so a policy load costs a few ``stat`` calls the first time
and judging nothing more than the patterns' one expression.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass

_COMMAND = "keyturn"
_SITE_DIRS = ("site-packages", "dist-packages")


@dataclass(frozen=True, slots=True)
class InstallPlaces:
    """keyturn's installation where this process runs (absolute paths, ``/``-separated).

    ``writes``: (place, bound) pairs, each place write-guarded with what is in it, the bound
    the highest directory whose wholesale change takes it in. ``removes``: the places guarded
    against being removed or replaced as a whole (the virtual environment's root), which are
    their own bounds. ``holders``: (directory, bound) pairs of the directories that hold
    keyturn's files among others (the environment's ``site-packages``): emptied or replaced
    wholesale, they take keyturn along."""

    writes: tuple[tuple[str, str], ...] = ()
    removes: tuple[str, ...] = ()
    holders: tuple[tuple[str, str], ...] = ()


NOWHERE = InstallPlaces()


def install_places(
    *,
    package_dir: str,
    prefix: str,
    base_prefix: str,
    command_on_path: str | None = None,
    site_dirs: Iterable[str] = (),
    windows: bool = False,
) -> InstallPlaces:
    """The places to guard for a keyturn imported from ``package_dir``, run by the interpreter
    of ``prefix`` (a virtual environment when it differs from ``base_prefix``);
    ``command_on_path``: where ``keyturn`` resolves on ``PATH``, if anywhere; ``site_dirs``: the
    import path (``sys.path``), whose ``site-packages`` in the environment hold keyturn's."""
    in_venv = _spelled(prefix) != _spelled(base_prefix)
    roots = _spellings((prefix,)) if in_venv else ()
    scripts = os.path.join(prefix, "Scripts" if windows else "bin")
    commands = [os.path.join(scripts, _COMMAND + (".exe" if windows else ""))]
    if command_on_path and _under(os.path.realpath(command_on_path), _spellings((prefix,))):
        commands.append(command_on_path)  # another spelling of this prefix's command
    writes: dict[str, str] = {}
    for place in _spellings((package_dir, *commands)):
        writes.setdefault(place, _bound(place, roots))
    sites = _spellings(d for d in site_dirs if _spelled(d).endswith(_SITE_DIRS))
    holders = {d: _bound(d, roots) for d in sites if _under(d, roots) and d not in roots}
    return InstallPlaces(
        writes=tuple(writes.items()), removes=roots, holders=tuple(holders.items())
    )


@functools.cache
def running_install() -> InstallPlaces:
    """:func:`install_places` for this very process (read once)."""
    try:
        import keyturn

        if not keyturn.__file__:  # no file of its own: nothing to add to the patterns
            return NOWHERE
        package_dir = os.path.dirname(os.path.abspath(keyturn.__file__))
        windows = os.name == "nt"
        return install_places(
            package_dir=package_dir,
            prefix=sys.prefix,
            base_prefix=sys.base_prefix,
            command_on_path=_on_path(_COMMAND, windows=windows),
            site_dirs=sys.path,
            windows=windows,
        )
    except (OSError, ValueError):  # an unreadable place: the built-in patterns still hold
        return NOWHERE


def _on_path(name: str, *, windows: bool) -> str | None:
    """Where ``name`` resolves on ``PATH`` (``shutil.which``'s lookup, without importing
    ``shutil``, which every hook start-up would pay for)."""
    endings = [""]
    if windows:
        endings = [e.lower() for e in os.environ.get("PATHEXT", ".EXE").split(os.pathsep) if e]
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if not folder:
            continue
        for ending in endings:
            candidate = os.path.join(folder, name + ending)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return os.path.abspath(candidate)
    return None


def _spelled(path: str) -> str:
    return path.replace("\\", "/").rstrip("/")


def _spellings(paths: Iterable[str]) -> tuple[str, ...]:
    """Each path as given (absolute) and resolved through symbolic links: an agent may write
    through either."""
    found: dict[str, None] = {}
    for path in paths:
        for spelling in (os.path.abspath(path), os.path.realpath(path)):
            spelled = _spelled(spelling)
            if spelled:
                found[spelled] = None
    return tuple(found)


def _under(path: str, roots: Iterable[str]) -> bool:
    spelled = _spelled(path)
    return any(spelled == root or spelled.startswith(root + "/") for root in roots)


def _bound(place: str, roots: tuple[str, ...]) -> str:
    """The virtual environment's root ``place`` lies in, else the ``site-packages`` it lies
    in, else ``place`` itself."""
    root = next((r for r in roots if place.startswith(r + "/")), None)
    if root is not None:
        return root
    for site in _SITE_DIRS:
        at = place.lower().rfind(site + "/")
        if at >= 0:
            return place[: at + len(site)]
    parent, _, name = place.rpartition("/")
    if name == "keyturn" and parent.lower().endswith("/src"):
        return parent  # a checkout's src layout: emptying src takes the package along
    return place
