"""``kcat`` (formerly ``kafkacat``): Kafka's netcat. Names as :mod:`.messaging` says.

Modes: ``-L`` (metadata) and ``-Q`` (offsets for times) read; ``-C`` consumes (reads);
``-G GROUP TOPIC...`` consumes as a group (reads the topics, updates the group's position);
``-P`` produces (updates the topic). Without a mode kcat produces when its input is not a
terminal -- as for an agent -- so that is how it is judged. ``-X list``/``-X dump``, ``-h``
and ``-V`` only print. The brokers are ``-b`` or ``-X bootstrap.servers=...``.
"""

from __future__ import annotations

from keyturn.model import Effect, EffectKind
from keyturn.understand.shell.commands._kv_store import StoreCall
from keyturn.understand.shell.commands._messaging_names import known_hosts
from keyturn.understand.shell.effects import command_effect
from keyturn.understand.shell.flags import OptionSpec, parse_options
from keyturn.understand.shell.registry import ShellContext, SimpleCommand, command

_E = EffectKind
# kcat's getopt string: ":PCG:LQM:t:p:b:z:o:eED:K:k:H:Od:qvF:X:c:Tuf:ZlVhs:r:Jm:U"
_KCAT = OptionSpec(valued="GMtpbzoDKkHdFXcfsrm")
_MODES = "PCLQG"


@command("kcat", "kafkacat")
def kcat(cmd: SimpleCommand, ctx: ShellContext) -> list[Effect] | None:
    """``kcat -b BROKERS (-L | -C | -P | -Q | -G GROUP) [-t TOPIC] ...``."""
    opts = parse_options(cmd.args, _KCAT)
    settings = [v.partition("=") for v in opts.values.get("X", ())]
    if opts.has("h", "V", "U") or any(not eq for _, eq, _ in settings):
        return [command_effect(_E.READ, cmd, ctx, detail="only prints")]
    brokers = [opts.value("b") or ""]
    brokers += [v for k, _, v in settings if k in ("bootstrap.servers", "metadata.broker.list")]
    call = StoreCall(cmd, ctx, "kafka", hosts=known_hosts(cmd, *brokers))
    modes = [m for m in _MODES if opts.has(m)]
    if len(modes) > 1:
        return None
    mode = modes[0] if modes else ""
    topic = (opts.value("t") or "").split(":", 1)[0]
    if mode == "L":
        return [call.effect(_E.READ, [f"topic/{topic}" if topic else "topic/*"], "metadata")]
    if mode == "G":
        group = opts.value("G") or ""
        topics = [f"topic/{t}" for t in opts.operands] or ["topic/*"]
        return [
            call.effect(_E.READ, topics, "consumes as a group"),
            call.effect(_E.UPDATE, [f"group/{group}"], "commits its position"),
        ]
    if not topic:
        return None
    if mode in ("C", "Q"):
        return [call.effect(_E.READ, [f"topic/{topic}"], "consumes" if mode == "C" else "")]
    detail = "produces" if mode == "P" else "no -P/-C: kcat produces when stdin is not a tty"
    return [call.effect(_E.UPDATE, [f"topic/{topic}"], detail)]
