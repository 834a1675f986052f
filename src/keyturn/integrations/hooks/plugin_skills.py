"""Where Claude Code keeps a plugin's skills and commands, for a ``Skill`` call named
``plugin:skill`` (:mod:`.skill_tool`).

What Claude Code does (``@anthropic-ai/claude-code`` 2.1.337, its bundled code read, and the
plugins reference, code.claude.com/docs/en/plugins-reference):

- installed plugins are copied into the plugins directory's cache,
  ``<plugins>/cache/<marketplace>/<plugin>/<version>/``, and listed in
  ``<plugins>/installed_plugins.json`` (``{"plugins": {"<plugin>@<marketplace>": [{"installPath":
  …}]}}``). ``<plugins>`` is ``$CLAUDE_CODE_PLUGIN_CACHE_DIR`` when set, else ``plugins`` (or
  ``cowork_plugins``) under the configuration directory (``$CLAUDE_CONFIG_DIR``, else
  ``~/.claude``); ``$CLAUDE_CODE_PLUGIN_SEED_DIR`` adds read-only plugin directories of the same
  shape, and ``$CLAUDE_CODE_PLUGIN_DIRS`` plugin folders used in place;
- in a plugin, a skill is ``skills/<name>/SKILL.md`` (or a skill folder whose ``name:`` is the
  name), a command ``commands/<name>.md`` (``a:b`` is ``commands/a/b.md``), a lone ``SKILL.md``
  at the root is the plugin's one skill, and ``.claude-plugin/plugin.json``'s ``skills`` and
  ``commands`` name more folders or files.

Every place any of these could give is judged (more files judged, never fewer: every version in
the cache, every marketplace's copy). What cannot be followed -- a zipped plugin cache, a listed
path that is relative or leaves the plugin, a manifest entry of another shape, a folder that
cannot be listed -- makes the skill ``unknown``; so does finding none (a plugin given with
``--plugin-dir`` for one session is not seen from the hook).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Mapping
from typing import Any

from keyturn.understand import FileReader

# The names Claude Code folds a plugin's name to for its cache folder (``[^a-zA-Z0-9_-]``).
_UNSAFE = re.compile(r"[^a-zA-Z0-9_\-]")
_MANIFEST_LIMIT = 1_000_000


class PluginNotKnown(Exception):
    """Where the plugin's skill is cannot be told (the reason is the message)."""


def plugin_roots(plugin: str, *, home: str, env: Mapping[str, str], files: FileReader) -> list[str]:
    """Every folder that may be the installed plugin ``plugin``."""
    if env.get("CLAUDE_CODE_PLUGIN_USE_ZIP_CACHE"):
        raise PluginNotKnown(
            "Claude Code keeps its plugins zipped ($CLAUDE_CODE_PLUGIN_USE_ZIP_CACHE)"
        )
    roots: list[str] = []
    for base in _plugin_dirs(home=home, env=env):
        roots += _cached(base, plugin, files)
        roots += _installed(base, plugin, files)
    for folder in _split(env.get("CLAUDE_CODE_PLUGIN_DIRS")):
        if _manifest_name(folder, files) == plugin or posixpath.basename(folder) == plugin:
            roots.append(folder)
    return list(dict.fromkeys(posixpath.normpath(r) for r in roots))


def plugin_skill_paths(root: str, rest: str, *, files: FileReader) -> list[str]:
    """The files under the plugin folder ``root`` that may be its skill or command ``rest``
    (skill folders found by their ``name:`` are left to the caller: :func:`skill_folders`)."""
    if ":" in rest:  # a command in a subfolder
        return [f"{root}/commands/{rest.replace(':', '/')}.md"]
    paths = [f"{root}/skills/{rest}/SKILL.md", f"{root}/commands/{rest}.md", f"{root}/SKILL.md"]
    for listed in _manifest_paths(root, files):
        if listed.endswith(".md"):
            paths.append(listed)
        else:
            paths += [f"{listed}/{rest}/SKILL.md", f"{listed}/{rest}.md"]
    return paths


def skill_folders(root: str, *, files: FileReader) -> list[str]:
    """The folders of ``root`` whose skill folders may name a skill by ``name:``."""
    folders = [f"{root}/skills"]
    folders += [p for p in _manifest_paths(root, files) if not p.endswith(".md")]
    return folders


def _plugin_dirs(*, home: str, env: Mapping[str, str]) -> list[str]:
    configs = [home.rstrip("/") + "/.claude"]
    config = env.get("CLAUDE_CONFIG_DIR", "")
    if config and not config.startswith("/"):
        # Claude Code reads it from its own working directory, which the hook does not know.
        raise PluginNotKnown("$CLAUDE_CONFIG_DIR is not an absolute path")
    if config:
        configs.append(config.rstrip("/"))
    dirs = [f"{c}/{name}" for c in configs for name in ("plugins", "cowork_plugins")]
    cache = env.get("CLAUDE_CODE_PLUGIN_CACHE_DIR")
    if cache:
        if not cache.startswith("/"):
            raise PluginNotKnown("$CLAUDE_CODE_PLUGIN_CACHE_DIR is not an absolute path")
        dirs.append(cache)
    return dirs + _split(env.get("CLAUDE_CODE_PLUGIN_SEED_DIR"))


def _split(value: str | None) -> list[str]:
    folders = [p for p in (value or "").split(":") if p.strip()]
    if any(not p.startswith("/") for p in folders):
        raise PluginNotKnown("a plugin folder in the environment is not an absolute path")
    return folders


def _entries(folder: str, files: FileReader) -> list[str]:
    if not files.is_dir(folder):
        return []
    entries = files.list_dir(folder)
    if entries is None:
        raise PluginNotKnown(f"{folder} cannot be listed")
    return list(entries)


def _cached(base: str, plugin: str, files: FileReader) -> list[str]:
    """``<base>/cache/<marketplace>/<plugin>/<version>``, every marketplace and version."""
    wanted = {plugin.lower(), _UNSAFE.sub("-", plugin).lower()}
    found = []
    for market in _entries(f"{base}/cache", files):
        for name in _entries(f"{base}/cache/{market}", files):
            if name.lower() in wanted:
                folder = f"{base}/cache/{market}/{name}"
                found += [f"{folder}/{version}" for version in _entries(folder, files)]
    return found


def _installed(base: str, plugin: str, files: FileReader) -> list[str]:
    """The ``installPath``s ``installed_plugins.json`` lists for ``plugin@…``."""
    data = _json(f"{base}/installed_plugins.json", files)
    if data is None:
        return []
    listed = data.get("plugins") if isinstance(data, dict) else None
    if not isinstance(listed, dict):
        raise PluginNotKnown(f"{base}/installed_plugins.json is not a list of plugins")
    found = []
    for key, installs in listed.items():
        if str(key).rpartition("@")[0].lower() != plugin.lower():
            continue
        for install in installs if isinstance(installs, list) else [installs]:
            path = install.get("installPath") if isinstance(install, dict) else None
            if not isinstance(path, str) or not path.startswith("/"):
                raise PluginNotKnown(f"{key} has no absolute installPath")
            found.append(path)
    return found


def _json(path: str, files: FileReader) -> Any:
    if not files.exists(path):
        return None
    text = files.read_text(path, limit=_MANIFEST_LIMIT)
    if text is None:
        raise PluginNotKnown(f"{path} cannot be read")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise PluginNotKnown(f"{path} is not valid JSON") from None


def _manifest(root: str, files: FileReader) -> dict[str, Any]:
    data = _json(f"{root}/.claude-plugin/plugin.json", files)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PluginNotKnown(f"{root}/.claude-plugin/plugin.json is not an object")
    return data


def _manifest_name(root: str, files: FileReader) -> str | None:
    name = _manifest(root, files).get("name")
    return name if isinstance(name, str) else None


def _manifest_paths(root: str, files: FileReader) -> list[str]:
    """The folders and files the manifest's ``skills`` and ``commands`` add, inside ``root``."""
    manifest = _manifest(root, files)
    paths: list[str] = []
    for key in ("skills", "commands"):
        value = manifest.get(key)
        if value is None:
            continue
        listed = [value] if isinstance(value, str) else value
        if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
            raise PluginNotKnown(f"{root}'s plugin.json {key!r} is not a list of paths")
        for given in listed:
            path = posixpath.normpath(posixpath.join(root, given))
            if given.startswith("/") or not path.startswith(root.rstrip("/") + "/"):
                raise PluginNotKnown(f"{root}'s plugin.json {key!r} names {given!r}")
            paths.append(path)
    return paths
