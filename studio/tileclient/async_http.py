"""GETs to the remote tile server on the event loop: the tile route's HTTP client.

Every other remote call goes through urllib3 in a thread (remote.py). A cold tile is the
one call made hundreds of times a second, and there the thread hand-off and back plus
urllib3's parsing (http.client, email.parser) cost the studio more CPU than the rest of
the request (bench/tiles.py --remote). Here the request is written and the answer parsed by
an asyncio protocol on the loop that serves the browser.

HTTP/1.1 with keep-alive, one request per connection at a time (no pipelining); answers
with Content-Length, chunked, or ending with the connection. Per event loop, at most
`connections` requests are in flight (as many as the tile threads allowed before) and as
many idle connections are kept. A request on a kept connection that the server had closed
unanswered is sent once more, on a new connection; the timeouts bound the connect and the
answer of each.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from urllib.parse import urlsplit

# A chunk's size line: hex digits, then extensions after ";" that mean nothing to us.
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,15})[ \t]*(?:;[^\r\n]*)?$")
_DIGITS = re.compile(r"[0-9]{1,15}")


class ConnectionLost(OSError):
    """The connection closed, or spoke nonsense, before the whole answer arrived."""

    def __init__(self, message: str, received: int) -> None:
        super().__init__(message)
        self.received = received  # bytes of the answer that did arrive


class ConnectTimeout(OSError):
    """No connection within the connect timeout."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


class Pool:
    def __init__(
        self,
        base_url: str,
        *,
        connect_timeout: float,
        read_timeout: float,
        connections: int,
        headers: dict[str, str],
    ) -> None:
        url = urlsplit(base_url)
        self.host = url.hostname or "localhost"
        self.port = url.port or (443 if url.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if url.scheme == "https" else None
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.connections = connections
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        host = url.netloc.rpartition("@")[2]  # never credentials in the Host header
        self._head = f" HTTP/1.1\r\nHost: {host}\r\n{lines}\r\n".encode("latin-1")
        # Connections belong to the loop that made them (tests run several loops).
        self._idle: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Idle] = (
            weakref.WeakKeyDictionary()
        )

    async def get(self, target: str) -> Answer:
        """GET `target` (path and query, already encoded). Raises OSError (ConnectionLost
        among them) when the server cannot be reached, TimeoutError when it does not answer
        within the read timeout."""
        request = b"GET " + target.encode("latin-1") + self._head
        idle = self._idle.get(loop := asyncio.get_running_loop())
        if idle is None:
            idle = self._idle[loop] = await _Idle.on_this_loop(self.connections)
        async with idle.slots:
            while idle:
                connection = idle.pop()
                if connection.closed:
                    continue
                try:
                    return await self._exchange(connection, request, idle)
                except ConnectionLost as e:
                    if e.received:  # part of an answer came: the server saw the request
                        raise
                    # The server had closed this kept connection (its keep-alive time ran
                    # out); those kept as long are likely closed too: one new one instead.
                    idle.close()
            return await self._exchange(await self._connect(), request, idle)

    async def close(self) -> None:
        """Close this loop's idle connections."""
        idle = self._idle.pop(asyncio.get_running_loop(), None)
        if idle is not None:
            idle.close()

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.connect_timeout):
                _, connection = await loop.create_connection(
                    _Connection, self.host, self.port, ssl=self.ssl
                )
        except TimeoutError:
            raise ConnectTimeout(f"no connection within {self.connect_timeout} s") from None
        return connection

    async def _exchange(self, connection: _Connection, request: bytes, idle: _Idle) -> Answer:
        try:
            answer = await connection.send(request, self.read_timeout)
        except BaseException:
            connection.close()
            raise
        if connection.reusable and len(idle) < self.connections:
            idle.append(connection)
        else:
            connection.close()
        return answer


class _Idle(list["_Connection"]):
    """A loop's idle connections, closed when the loop shuts down (asyncio.run, and so
    asgiref's async_to_sync, close every open async generator first: see `on_this_loop`)."""

    keeper: AsyncIterator[None]
    slots: asyncio.Semaphore  # requests in flight on this loop

    @classmethod
    async def on_this_loop(cls, connections: int) -> _Idle:
        idle = cls()
        idle.slots = asyncio.Semaphore(connections)
        idle.keeper = idle._closed_with_loop()
        await anext(idle.keeper)  # now the loop knows it, and acloses it at shutdown
        return idle

    async def _closed_with_loop(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            self.close()

    def close(self) -> None:
        for connection in self:
            connection.close()
        self.clear()


class _Connection(asyncio.Protocol):
    """One keep-alive connection; `send` writes a request and waits for its answer."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reusable = False
        self._buffer = bytearray()
        self._received = 0  # bytes of the current answer so far, interim answers included
        self._answer: asyncio.Future[Answer] | None = None
        self._status = 0
        self._headers: dict[str, str] = {}
        self._body_at = -1  # where the body starts in the buffer, once the head is in
        self._length: int | None = None  # Content-Length; None: chunked or until closed
        self._chunked = False

    async def send(self, request: bytes, timeout: float) -> Answer:
        """Write `request`; its answer, or TimeoutError after `timeout` seconds without it.
        (A timer of our own: asyncio.timeout() cost a tenth of the client's time.)"""
        assert self.transport is not None and self._answer is None
        loop = asyncio.get_running_loop()
        self._answer = answer = loop.create_future()
        timer = loop.call_later(timeout, self._time_out, answer)
        self._buffer.clear()
        self._received = 0
        self._body_at = -1
        self.transport.write(request)
        try:
            return await answer
        finally:
            timer.cancel()

    def _time_out(self, answer: asyncio.Future[Answer]) -> None:
        if not answer.done():
            answer.set_exception(TimeoutError())

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    # --- asyncio.Protocol --------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self._answer is None or self._answer.done():
            self.close()  # nothing was asked: the server is not speaking HTTP/1.1 to us
            return
        self._buffer += data
        self._received += len(data)
        try:
            answer = self._parse()
        except ValueError as e:
            self._fail(ConnectionLost(f"unreadable answer: {e}", self._received))
            self.close()
            return
        if answer is not None:
            self._answer.set_result(answer)
            self._answer = None

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.reusable = False
        if self._answer is not None and not self._answer.done():
            if exc is None and self._body_at >= 0 and self._length is None and not self._chunked:
                # An answer without length ends with its connection (closed, not reset).
                body = bytes(self._buffer[self._body_at :])
                self._answer.set_result(Answer(self._status, self._headers, body))
            else:
                self._fail(ConnectionLost("connection closed", self._received))

    def _fail(self, error: Exception) -> None:
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(error)
        self._answer = None

    # --- parsing -----------------------------------------------------------------------

    def _parse(self) -> Answer | None:
        if self._body_at < 0 and not self._parse_head():
            return None
        if self._chunked:
            body = _dechunk(self._buffer, self._body_at)
            if body is None:
                return None
            end = len(self._buffer)
        elif self._length is not None:
            end = self._body_at + self._length
            if len(self._buffer) < end:
                return None
            body = bytes(self._buffer[self._body_at : end])
        else:
            return None  # until the connection closes
        if len(self._buffer) > end:
            raise ValueError("more bytes than the answer holds")
        return Answer(self._status, self._headers, body)

    def _parse_head(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > 65536:
                raise ValueError("headers too long")
            return False
        status_line, *lines = bytes(self._buffer[:end]).decode("latin-1").split("\r\n")
        version, _, rest = status_line.partition(" ")
        if not version.startswith("HTTP/1."):
            raise ValueError(f"not HTTP/1: {status_line[:40]!r}")
        status = int(rest[:3])
        if 100 <= status < 200:  # an interim answer: the real one follows
            del self._buffer[: end + 4]
            return self._parse_head()
        headers = {}
        for line in lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self._status, self._headers, self._body_at = status, headers, end + 4
        connection = headers.get("connection", "").lower()
        self.reusable = "close" not in connection and (
            version == "HTTP/1.1" or "keep-alive" in connection
        )
        self._chunked = "chunked" in headers.get("transfer-encoding", "").lower()
        if self._chunked:
            self._length = None
        elif status in (204, 304):
            self._length = 0
        elif "content-length" in headers:
            if not _DIGITS.fullmatch(headers["content-length"]):
                raise ValueError("a Content-Length that is not a number")
            self._length = int(headers["content-length"])
        else:
            self._length = None
            self.reusable = False
        return True


def _dechunk(buffer: bytearray, start: int) -> bytes | None:
    """The body of a chunked answer in `buffer` from `start`, or None while incomplete;
    ValueError when it is not a chunked body."""
    if not buffer.endswith(b"\r\n"):
        return None
    body = bytearray()
    at = start
    while True:
        line_end = buffer.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = _CHUNK_SIZE.match(buffer, at, line_end)
        if size is None:
            raise ValueError("a chunk without its size")
        at = line_end + 2
        if int(size[1], 16) == 0:
            # Trailers, if any, end with an empty line; nothing may follow.
            end = buffer.find(b"\r\n\r\n", at - 2)
            if end < 0:
                return None
            if end + 4 != len(buffer):
                raise ValueError("more bytes than the answer holds")
            return bytes(body)
        data_end = at + int(size[1], 16)
        if len(buffer) < data_end + 2:
            return None
        if buffer[data_end : data_end + 2] != b"\r\n":
            raise ValueError("a chunk longer than its size")
        body += buffer[at:data_end]
        at = data_end + 2
