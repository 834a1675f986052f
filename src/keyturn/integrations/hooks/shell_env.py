"""The environment an agent's shell tool runs a command in, told from the hook's own.

keyturn reads a shell line with an environment (``$VAR``, ``AWS_PROFILE``, ``GIT_CONFIG_*``...).
For most agents that is the hook's: Claude Code, Codex, Cursor and Kiro start their hooks and
their shell tools from the same process environment. Gemini CLI does not (``@google/gemini-cli``
0.61.0, read in its bundle):

- its hook runner (``hookRunner``) adds ``GEMINI_PROJECT_DIR``, ``GEMINI_PLANS_DIR``,
  ``GEMINI_CWD``, ``GEMINI_SESSION_ID`` and ``CLAUDE_PROJECT_DIR`` (all but the plans
  directory set to the event's ``cwd``) to the hook's environment only. The shell tool never
  gets those values: a command naming ``$CLAUDE_PROJECT_DIR`` expands to whatever Gemini's own
  process had (usually nothing), so here the variables are dropped and such a line is
  ``unknown``, not read as a path under the project.
- its shell tool (``ShellExecutionService.prepareExecution``) adds ``GEMINI_CLI=1``, forces
  ``PAGER``/``GIT_PAGER`` to ``cat``, and in current releases hides the user's and the
  system's git settings (``GIT_CONFIG_GLOBAL=/dev/null``...) and overrides a few git settings
  through ``GIT_CONFIG_COUNT`` pairs. Older releases do not, and the hook cannot tell which
  release sent the event, so a ``run_shell_command`` is read both ways and judged on every
  effect of either (:func:`shell_envs`): the strictest reading decides.

Both environments start from the same sanitised copy of Gemini's environment (the same
``sanitizeEnvironment`` with the same settings), so what Gemini redacted from the hook is
redacted from the shell too. A variable set by hand in the hook entry's own ``env`` reaches the
hook only; keyturn's installed entry sets none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# ``ToolCall.extra`` key: whose shell environment a shell call runs in, when it is not the
# hook's own (the value names the agent: GEMINI).
SHELL_ENV = "shell_env"
GEMINI = "gemini"

# What Gemini CLI's hook runner sets for hooks only.
_GEMINI_HOOK_ONLY = frozenset(
    {"GEMINI_PROJECT_DIR", "GEMINI_PLANS_DIR", "GEMINI_CWD", "GEMINI_SESSION_ID"}
    | {"CLAUDE_PROJECT_DIR"}
)
# What its shell tool adds in every release (``GEMINI_CLI_IDENTIFICATION_ENV_VAR``).
_GEMINI_SHELL = {"GEMINI_CLI": "1"}
# What current releases add besides: no pager, no prompts, no user or system git settings.
_GEMINI_ISOLATED = {
    "TERM": "xterm-256color",
    "PAGER": "cat",
    "GIT_PAGER": "cat",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_SYSTEM": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
    "GH_PROMPT_DISABLED": "1",
    "GCM_INTERACTIVE": "never",
    "DISPLAY": "",
    "DBUS_SESSION_BUS_ADDRESS": "",
}
# The git settings current releases append after any ``GIT_CONFIG_COUNT`` pairs already set.
_GEMINI_GIT_OVERRIDES = (
    ("credential.helper", ""),
    ("core.fsmonitor", ""),
    ("core.hooksPath", ""),
    ("core.sshCommand", ""),
    ("core.pager", "cat"),
    ("core.editor", ""),
    ("sequence.editor", ""),
    ("diff.external", ""),
)


def shell_envs(extra: Mapping[str, object], env: Mapping[str, str]) -> list[Mapping[str, str]]:
    """Every environment the agent's shell tool may run the call in (``extra`` is the call's
    :attr:`~.tool_calls.ToolCall.extra`, ``env`` the hook's environment)."""
    if extra.get(SHELL_ENV) != GEMINI:
        return [env]
    older = {k: v for k, v in env.items() if k.upper() not in _GEMINI_HOOK_ONLY}
    older.update(_GEMINI_SHELL)
    return [older, _gemini_isolated(older)]


def _gemini_isolated(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` as current Gemini CLI releases give it to the shell: the pairs counted from
    ``GIT_CONFIG_COUNT`` as JavaScript's ``parseInt`` reads it (leading digits; none is
    ``NaN``, which git then refuses, as keyturn's git reading does)."""
    out = {**env, **_GEMINI_ISOLATED}
    digits = re.match(r"\s*([+-]?\d+)", env.get("GIT_CONFIG_COUNT") or "0")
    if digits is None:
        out["GIT_CONFIG_COUNT"] = "NaN"
        return out
    count = int(digits.group(1))
    for key, value in _GEMINI_GIT_OVERRIDES:
        out[f"GIT_CONFIG_KEY_{count}"] = key
        out[f"GIT_CONFIG_VALUE_{count}"] = value
        count += 1
    out["GIT_CONFIG_COUNT"] = str(count)
    return out
