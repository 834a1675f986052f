"""``keyturn mcp-proxy``: a stdio MCP server in front of an upstream stdio MCP server.

The proxy is a low-level SDK :class:`~mcp.server.lowlevel.Server` (which serves both protocol
eras on one connection: the 2025-11-25 handshake and 2026-07-28 stateless requests, the
client's first message decides) holding one upstream :class:`mcp.Client`:

- ``tools/list`` is passed through, less the tools the policy denies outright (a call judged
  at its mildest is still denied, so no arguments could make it pass);
- every ``tools/call`` is understood (:func:`keyturn.understand.mcp.understand_mcp`) and handed
  to ``decide`` (the gate): allowed calls are forwarded and the upstream's result returned;
  denied and held calls are answered with a tool error (``isError: true``) whose text says why,
  so the model can read it and act;
- an upstream that cannot be started, dies, or does not answer in time fails the call closed:
  a tool error, never a pass.

stdout is the protocol; logs go to stderr only.
"""

from __future__ import annotations

import inspect
import logging
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio
import mcp.types as mcp_types
from mcp import Client, StdioServerParameters
from mcp.server.lowlevel import Server
from mcp.server.stdio import stdio_server

from keyturn.errors import InputError
from keyturn.gate import Outcome
from keyturn.localfiles import LocalFiles
from keyturn.model import Action, Actor, Decision, McpToolMapping, Verdict
from keyturn.understand.mcp import probe_mcp, tool_name, understand_mcp

log = logging.getLogger("keyturn.mcp_proxy")

Decide = Callable[[Action, Actor], "Outcome | Awaitable[Outcome]"]


class JudgingPolicy(Protocol):
    """What the proxy needs of the policy: its MCP mappings and its judgment (for hiding
    tools it denies outright)."""

    @property
    def mcp_mappings(self) -> tuple[McpToolMapping, ...]: ...

    def judge(self, action: Action, *, actor: Actor) -> Decision: ...


@dataclass(frozen=True, slots=True)
class ProxySettings:
    """How the proxy runs. ``call_timeout`` bounds each forwarded call, ``connect_timeout`` the
    upstream's start and handshake (seconds). ``roots``: the directories the upstream resolves
    a relative path against, as read from its command line
    (:func:`keyturn.understand.mcp.filesystem_roots`; ``()``: not readable there); ``None``
    leaves them untold (relative paths against ``cwd``)."""

    name: str
    upstream: StdioServerParameters
    actor: Actor
    call_timeout: float = 120.0
    connect_timeout: float = 30.0
    cwd: str = "/"
    home: str = "/root"
    roots: tuple[str, ...] | None = None


@dataclass(slots=True)
class Upstream:
    """The upstream connection, or why there is none; tool annotations as last listed."""

    client: Client | None = None
    error: str = ""
    annotations: dict[str, dict[str, Any]] = field(default_factory=dict)


class McpProxy:
    """The judging proxy. ``decide(action, actor) -> Outcome`` is the gate (``Gate.submit``)."""

    def __init__(self, *, settings: ProxySettings, policy: JudgingPolicy, decide: Decide) -> None:
        self.settings = settings
        self.policy = policy
        self.decide = decide
        # Why the upstream did not start, once it failed to (the command then exits non-zero).
        self.upstream_error: str | None = None
        self.server: Server[Upstream] = Server(
            f"keyturn-{settings.name}",
            version=_version(),
            lifespan=self._lifespan,
            on_list_tools=self._list_tools,
            on_call_tool=self._call_tool,
        )

    async def serve_stdio(self) -> None:
        """Serve one client on this process's stdin/stdout until it closes."""
        async with stdio_server() as (read, write):
            await self.server.run(read, write, self.server.create_initialization_options())

    @asynccontextmanager
    async def _lifespan(self, _server: Server[Upstream]) -> AsyncIterator[Upstream]:
        """Start the upstream for the connection's lifetime. A failure to start does not stop
        the proxy: it then refuses every call with the reason (fail closed)."""
        upstream = Upstream()
        # The start is bounded by the client's read timeout, not a cancel scope: the client
        # opens a task group that must outlive this block.
        client = Client(
            self.settings.upstream, mode="auto", read_timeout_seconds=self.settings.connect_timeout
        )
        try:
            await client.__aenter__()
        except Exception as exc:  # any failure to start means "unreachable": refuse calls
            upstream.error = f"upstream MCP server did not start: {_one_line(exc)}"
            self.upstream_error = upstream.error
            log.error("%s: %s", self.settings.name, upstream.error)
            yield upstream
            return
        upstream.client = client
        try:
            yield upstream
        finally:
            try:
                await client.__aexit__(None, None, None)
            except Exception as exc:  # the upstream already gone: nothing to close
                log.debug("upstream close: %s", _one_line(exc))

    async def _list_tools(
        self, ctx: Any, params: mcp_types.PaginatedRequestParams | None
    ) -> mcp_types.ListToolsResult:
        upstream: Upstream = ctx.lifespan_context
        if upstream.client is None:
            return mcp_types.ListToolsResult(tools=[])
        try:
            with anyio.fail_after(self.settings.call_timeout):
                tools = await _all_tools(upstream.client)
        except Exception as exc:  # an upstream that cannot list offers nothing
            log.error("keyturn mcp-proxy %s: tools/list failed: %s", self.settings.name, exc)
            return mcp_types.ListToolsResult(tools=[])
        upstream.annotations = {t.name: _annotations(t) for t in tools}
        visible = [t for t in tools if not self._denied_outright(t.name, upstream)]
        return mcp_types.ListToolsResult(tools=visible)

    def _denied_outright(self, tool: str, upstream: Upstream) -> bool:
        """Whether the policy denies ``tool`` whatever its arguments (see ``probe_mcp``)."""
        try:
            action = probe_mcp(
                self.settings.name,
                tool,
                mappings=self.policy.mcp_mappings,
                annotations=upstream.annotations.get(tool),
            )
        except InputError:
            return False
        decision = self.policy.judge(action, actor=self.settings.actor)
        return decision.decision is Verdict.DENY

    async def _call_tool(
        self, ctx: Any, params: mcp_types.CallToolRequestParams
    ) -> mcp_types.CallToolResult:
        upstream: Upstream = ctx.lifespan_context
        name = tool_name(self.settings.name, params.name)
        try:
            if not upstream.annotations and upstream.client is not None:
                await self._list_tools(ctx, None)
            action = understand_mcp(
                self.settings.name,
                params.name,
                params.arguments,
                mappings=self.policy.mcp_mappings,
                annotations=upstream.annotations.get(params.name),
                cwd=self.settings.cwd,
                home=self.settings.home,
                roots=self.settings.roots,
                # The upstream runs on this machine: the files its tools change are read here,
                # as the agents' hooks read them (a Terraform file losing its protection).
                files=LocalFiles(),
            )
            outcome = await self._decide(action)
        except InputError as exc:
            return refusal(f"keyturn refused {name}: {exc.message}")
        except Exception as exc:  # the gate failed: refuse, never pass
            log.exception("keyturn mcp-proxy %s: judging %s failed", self.settings.name, name)
            return refusal(f"keyturn refused {name}: could not judge the call ({_one_line(exc)})")
        if outcome.verdict is not Verdict.ALLOW:
            return refusal(refusal_text(name, outcome))
        return await self._forward(upstream, name, params)

    async def _decide(self, action: Action) -> Outcome:
        if inspect.iscoroutinefunction(self.decide):
            result = await self.decide(action, self.settings.actor)
        else:
            # A plain decide touches the store and may wait for reviewers: in a worker thread,
            # so the proxy keeps serving (pings, listings, other calls) meanwhile.
            result = await anyio.to_thread.run_sync(self.decide, action, self.settings.actor)
        if inspect.isawaitable(result):
            result = await result
        if not isinstance(result, Outcome):
            raise TypeError(f"decide returned {type(result).__name__}, not an Outcome")
        return result

    async def _forward(
        self, upstream: Upstream, name: str, params: mcp_types.CallToolRequestParams
    ) -> mcp_types.CallToolResult:
        if upstream.client is None:
            return refusal(f"keyturn refused {name}: {upstream.error or 'no upstream'}")
        timeout = self.settings.call_timeout
        try:
            with anyio.fail_after(timeout):
                return await upstream.client.call_tool(
                    params.name, params.arguments, read_timeout_seconds=timeout
                )
        except TimeoutError:
            reason = f"the upstream MCP server did not answer within {timeout:g}s"
        except Exception as exc:  # dead or broken upstream: the call fails closed
            reason = f"the upstream MCP server failed: {_one_line(exc)}"
        log.error("keyturn mcp-proxy %s: %s: %s", self.settings.name, name, reason)
        return refusal(f"keyturn could not complete {name}: {reason}")


def refusal_text(name: str, outcome: Outcome) -> str:
    """The text a model reads when a call is not let through."""
    decision = outcome.decision
    if outcome.verdict is Verdict.ASK:
        count = decision.approvals_required or 1
        request = (
            f"request {outcome.request_id}; retry after approval"
            if outcome.request_id
            else "no review queue took the request; ask the operator"
        )
        why = "; ".join(decision.reasons) or outcome.message
        return f"keyturn held {name}: held for {count} approval(s): {request} ({why})"
    reason = outcome.message or "; ".join(decision.reasons) or "denied by policy"
    return f"keyturn denied {name}: {reason}"


def refusal(text: str) -> mcp_types.CallToolResult:
    """A tool error result carrying ``text`` (the model sees it; the call did not run)."""
    return mcp_types.CallToolResult(
        content=[mcp_types.TextContent(type="text", text=text)], is_error=True
    )


def policy_decide(policy: JudgingPolicy) -> Decide:
    """A ``decide`` that only judges (no review queue, no audit): asks are held with no
    request. For tests and for running without a keyturn store."""

    def decide(action: Action, actor: Actor) -> Outcome:
        decision = policy.judge(action, actor=actor)
        message = "; ".join(decision.reasons) or action.summary
        return Outcome(verdict=decision.decision, decision=decision, message=message)

    return decide


class HoldingGate(Protocol):
    """What :func:`gate_decide` needs of :class:`keyturn.gate.Gate`."""

    def submit(self, action: Action, *, actor: Actor) -> Outcome: ...

    def wait(self, request_id: str, *, timeout: float) -> Outcome: ...


def gate_decide(
    gate: HoldingGate,
    *,
    wait_seconds: float = 0.0,
    poll_seconds: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> Decide:
    """``decide`` through the gate (judged, recorded, held for review). With ``wait_seconds``
    a held call waits that long for the reviewers; once approved, the same action is submitted
    again to use the grant once. Otherwise it is answered at once with the request id.

    The proxy runs it in a worker thread. The store is touched under one lock, held only for
    each store call: a call waiting for its reviewers never holds up another call."""
    lock = threading.Lock()

    def decide(action: Action, actor: Actor) -> Outcome:
        with lock:
            outcome = gate.submit(action, actor=actor)
        if outcome.verdict is not Verdict.ASK or not outcome.request_id or wait_seconds <= 0:
            return outcome
        deadline = clock() + wait_seconds
        while True:
            with lock:
                waited = gate.wait(outcome.request_id, timeout=0)
            if waited.verdict is Verdict.ALLOW:
                with lock:
                    return gate.submit(action, actor=actor)
            if waited.verdict is Verdict.DENY:
                return waited
            left = deadline - clock()
            if left <= 0:
                return outcome
            sleep(min(poll_seconds, left))

    return decide


async def _all_tools(client: Client) -> list[mcp_types.Tool]:
    """Every page of the upstream's tool list (bounded, in case a server loops cursors)."""
    tools: list[mcp_types.Tool] = []
    cursor: str | None = None
    for _ in range(100):
        page = await client.list_tools(cursor=cursor, cache_mode="refresh")
        tools.extend(page.tools)
        cursor = page.next_cursor
        if not cursor:
            break
    return tools


def _annotations(tool: mcp_types.Tool) -> dict[str, Any]:
    if tool.annotations is None:
        return {}
    dumped: dict[str, Any] = tool.annotations.model_dump(by_alias=True, exclude_none=True)
    return dumped


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:300]


def _version() -> str:
    from keyturn import __version__

    return str(__version__)


def upstream_parameters(
    command: Sequence[str], *, env: Mapping[str, str], cwd: str | None = None
) -> StdioServerParameters:
    """The upstream server's launch parameters. The upstream gets the proxy's environment
    (it is the MCP server the agent would have launched itself)."""
    if not command:
        raise InputError("mcp-proxy: no upstream command given after '--'")
    return StdioServerParameters(command=command[0], args=list(command[1:]), env=dict(env), cwd=cwd)
