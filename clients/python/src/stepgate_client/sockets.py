"""Carries out push's socket effects (push.py) with `websockets`: one socket per plan run, sync or asyncio.

Every failure (refused, handshake answered 403, handshake timeout, dropped connection) becomes PushLost, which
the runner throws into the plan; the plan then polls.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from contextlib import AsyncExitStack, ExitStack

from websockets.asyncio.client import ClientConnection as AsyncConnection
from websockets.asyncio.client import connect as connect_async
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from stepgate_client.push import CloseSocket, OpenSocket, PushLost, ReceiveText, SendText, SocketEffect

# Lost either way; the reason is logged by the plan.
_FAILURES = (OSError, WebSocketException, asyncio.TimeoutError)
# Closing waits for the server's close frame; a server that stopped answering must not hold up the fallback.
CLOSE_TIMEOUT = 2.0


def handshake_headers(headers: Mapping[str, str]) -> tuple[dict[str, str], str | None]:
    """The client's API key goes on the handshake ($connect requires it); its user agent too."""
    return {"x-api-key": headers["x-api-key"]}, headers.get("user-agent")


def describe(error: BaseException) -> str:
    if isinstance(error, InvalidStatus):
        return f"handshake answered HTTP {error.response.status_code}"
    if isinstance(error, ConnectionClosed):
        return f"connection closed ({error.rcvd.code if error.rcvd else 'no close frame'})"
    if isinstance(error, (TimeoutError, asyncio.TimeoutError)):
        return "no handshake in time"
    return f"{type(error).__name__}: {error}"


def _text(frame: str | bytes) -> str:
    return frame if isinstance(frame, str) else frame.decode("utf-8", "replace")


class Socket:
    """The sync client's socket."""

    def __init__(self, headers: Mapping[str, str]):
        self._headers, self._user_agent = handshake_headers(headers)
        self._connection: ClientConnection | None = None
        self._stack = ExitStack()

    def carry_out(self, effect: SocketEffect) -> str | None:
        try:
            return self._carry_out(effect)
        except _FAILURES as error:
            self.close()
            raise PushLost(describe(error)) from error

    def _carry_out(self, effect: SocketEffect) -> str | None:
        if isinstance(effect, OpenSocket):
            self.close()
            # Entered as a context manager, as websockets 17 asks (a bare connect() is deprecated there).
            self._connection = self._stack.enter_context(connect(
                effect.url, additional_headers=self._headers, user_agent_header=self._user_agent,
                open_timeout=effect.timeout, close_timeout=CLOSE_TIMEOUT))
        elif isinstance(effect, SendText):
            self._open().send(effect.text)
        elif isinstance(effect, ReceiveText):
            try:
                return _text(self._open().recv(timeout=effect.timeout))
            except TimeoutError:
                return None
        elif isinstance(effect, CloseSocket):
            self.close()
        return None

    def _open(self) -> ClientConnection:
        if self._connection is None:
            raise PushLost("no socket is open")
        return self._connection

    def close(self) -> None:
        self._connection = None
        try:
            self._stack.close()
        except _FAILURES:
            pass  # the socket is done with either way


class AsyncSocket:
    """The asyncio client's socket."""

    def __init__(self, headers: Mapping[str, str]):
        self._headers, self._user_agent = handshake_headers(headers)
        self._connection: AsyncConnection | None = None
        self._stack = AsyncExitStack()

    async def carry_out(self, effect: SocketEffect) -> str | None:
        try:
            return await self._carry_out(effect)
        except _FAILURES as error:
            await self.close()
            raise PushLost(describe(error)) from error

    async def _carry_out(self, effect: SocketEffect) -> str | None:
        if isinstance(effect, OpenSocket):
            await self.close()
            self._connection = await self._stack.enter_async_context(connect_async(
                effect.url, additional_headers=self._headers, user_agent_header=self._user_agent,
                open_timeout=effect.timeout, close_timeout=CLOSE_TIMEOUT))
        elif isinstance(effect, SendText):
            await self._open().send(effect.text)
        elif isinstance(effect, ReceiveText):
            try:
                return _text(await asyncio.wait_for(self._open().recv(), effect.timeout))
            except (TimeoutError, asyncio.TimeoutError):
                return None
        elif isinstance(effect, CloseSocket):
            await self.close()
        return None

    def _open(self) -> AsyncConnection:
        if self._connection is None:
            raise PushLost("no socket is open")
        return self._connection

    async def close(self) -> None:
        self._connection = None
        try:
            await self._stack.aclose()
        except _FAILURES:
            pass  # the socket is done with either way
