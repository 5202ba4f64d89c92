"""Gateway v10 over websocket: HELLO/IDENTIFY/READY, heartbeats, RESUME with replay, zlib-stream.

Every dispatch gets a real sequence number and is kept in its session's buffer, so a client
that resumes after a drop receives exactly the events with a higher sequence than it saw.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.emulator.ids import token

HELLO, HEARTBEAT, IDENTIFY, RESUME, REQUEST_MEMBERS = 10, 1, 2, 6, 8
DISPATCH, HEARTBEAT_ACK, INVALID_SESSION = 0, 11, 9
HEARTBEAT_INTERVAL_MS = 41250
BUFFER_LIMIT = 5000
AUTH_FAILED = 4004

SentHook = Callable[[], None]


@dataclass
class Session:
    """One IDENTIFY'd session; outlives its socket until the client closes it cleanly."""

    id: str
    intents: int
    seq: int = 0
    socket: GatewaySocket | None = None
    buffer: list[tuple[int, str, dict[str, Any], SentHook | None]] = field(default_factory=list)


class GatewaySocket:
    """One websocket connection, with the optional zlib-stream compressor discord.py asks for."""

    def __init__(self, ws: web.WebSocketResponse, compress: bool) -> None:
        self.ws = ws
        self._zlib = zlib.compressobj() if compress else None
        self._lock = asyncio.Lock()
        self.dropped = False  # closed by the emulator (a fault), so its session stays resumable

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.ws.closed:
                raise ConnectionResetError("gateway socket closed")
            if self._zlib is None:
                await self.ws.send_str(text)
            else:
                data = self._zlib.compress(text.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(data)


class Gateway:
    """The gateway endpoint. `ready_payload` and `guild_payloads` come from the Emulator."""

    def __init__(
        self,
        *,
        bot_token: Callable[[], str],
        ready_payload: Callable[[Session], dict[str, Any]],
        guild_payloads: Callable[[], list[dict[str, Any]]],
        members_chunk: Callable[[str], dict[str, Any] | None],
        on_change: Callable[[], None],
    ) -> None:
        self._bot_token = bot_token
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._members_chunk = members_chunk
        self._on_change = on_change
        self.sessions: dict[str, Session] = {}
        self.open = asyncio.Event()
        self.open.set()
        self.connections = 0
        self.identifies = 0
        self.resumes = 0
        self._sockets: set[GatewaySocket] = set()

    # ----------------------------------------------------------------- dispatch
    async def dispatch(
        self, event: str, data: dict[str, Any], on_sent: SentHook | None = None
    ) -> None:
        """Send to every live session; buffer for sessions that are resumable but offline."""
        for session in list(self.sessions.values()):
            session.seq += 1
            session.buffer.append((session.seq, event, data, on_sent))
            del session.buffer[:-BUFFER_LIMIT]
            if session.socket is not None:
                await self._send_dispatch(session.socket, session.seq, event, data, on_sent)

    async def _send_dispatch(
        self,
        sock: GatewaySocket,
        seq: int,
        event: str,
        data: dict[str, Any],
        on_sent: SentHook | None,
    ) -> None:
        if on_sent is not None:
            on_sent()
        # On a dead socket the event stays in the buffer; a RESUME replays it.
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await sock.send({"op": DISPATCH, "t": event, "s": seq, "d": data})

    async def drop(self, code: int = 4000) -> int:
        """Close every live socket with `code` (4000 = resumable); returns how many were closed."""
        closed = 0
        for sock in list(self._sockets):
            sock.dropped = True
            await sock.ws.close(code=code, message=b"emulator drop")
            closed += 1
        return closed

    @property
    def live(self) -> bool:
        return any(s.socket is not None for s in self.sessions.values())

    # ----------------------------------------------------------------- handler
    async def handle(self, request: web.Request) -> web.StreamResponse:
        await self.open.wait()
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        sock = GatewaySocket(ws, compress=request.query.get("compress") == "zlib-stream")
        self._sockets.add(sock)
        self.connections += 1
        session: Session | None = None
        try:
            await sock.send({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                session = await self._on_op(sock, session, payload) or session
        finally:
            self._sockets.discard(sock)
            if session is not None and session.socket is sock:
                session.socket = None
                if ws.close_code == 1000 and not sock.dropped:  # a clean client close ends it
                    self.sessions.pop(session.id, None)
            self._on_change()
        return ws

    async def _on_op(
        self, sock: GatewaySocket, session: Session | None, payload: dict[str, Any]
    ) -> Session | None:
        op, data = payload.get("op"), payload.get("d")
        if op == HEARTBEAT:
            await sock.send({"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            return await self._identify(sock, data)
        elif op == RESUME:
            return await self._resume(sock, data)
        elif op == REQUEST_MEMBERS and session is not None:
            chunk = self._members_chunk(str(data.get("guild_id")))
            if chunk is not None:
                if data.get("nonce"):
                    chunk["nonce"] = data["nonce"]
                await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)
        return None

    async def _identify(self, sock: GatewaySocket, data: dict[str, Any]) -> Session | None:
        if data.get("token") != self._bot_token():
            await sock.ws.close(code=AUTH_FAILED, message=b"Authentication failed.")
            return None
        self.identifies += 1
        session = Session(id=token(), intents=int(data.get("intents") or 0))
        self.sessions[session.id] = session
        await self._attach_and_send(session, sock, "READY", self._ready_payload(session))
        for guild in self._guild_payloads():
            await self._attach_and_send(session, sock, "GUILD_CREATE", guild)
        self._on_change()
        return session

    async def _attach_and_send(
        self, session: Session, sock: GatewaySocket, event: str, data: dict[str, Any]
    ) -> None:
        session.socket = sock
        session.seq += 1
        session.buffer.append((session.seq, event, data, None))
        await self._send_dispatch(sock, session.seq, event, data, None)

    async def _resume(self, sock: GatewaySocket, data: dict[str, Any]) -> Session | None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self._bot_token():
            await sock.send({"op": INVALID_SESSION, "d": False})
            return None
        self.resumes += 1
        seen = int(data.get("seq") or 0)
        session.socket = sock
        for seq, event, payload, on_sent in list(session.buffer):
            if seq > seen:
                await self._send_dispatch(sock, seq, event, payload, on_sent)
        await self._attach_and_send(session, sock, "RESUMED", {})
        self._on_change()
        return session


def run_soon(coro: Awaitable[Any]) -> asyncio.Task[Any]:
    """Schedule a coroutine and keep a reference so it is not garbage-collected."""
    task = asyncio.ensure_future(coro)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return task


_TASKS: set[asyncio.Task[Any]] = set()
