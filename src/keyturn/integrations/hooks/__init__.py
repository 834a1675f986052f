"""Agent pre-tool hooks: ``keyturn hook claude-code|codex|gemini|cursor|kiro``.

One module per agent protocol reads that agent's event exactly as it sends it and answers in
the form it honours (:mod:`.protocol`); :mod:`.events` turns the tool call into an Action,
:mod:`.settle` judges it, :mod:`.runner` runs the whole under a deadline and answers with the
agent's *blocking* form on any failure. :mod:`.install` writes each agent's settings entry.
"""

from __future__ import annotations

# agent name -> module exposing PROTOCOL; imported only for the agent asked for.
AGENTS: dict[str, str] = {
    "claude-code": "keyturn.integrations.hooks.claude_code",
    "codex": "keyturn.integrations.hooks.codex",
    "gemini": "keyturn.integrations.hooks.gemini",
    "cursor": "keyturn.integrations.hooks.cursor",
    "kiro": "keyturn.integrations.hooks.kiro",
}
