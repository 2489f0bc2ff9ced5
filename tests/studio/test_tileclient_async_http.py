"""The tile route's HTTP client (studio/tileclient/async_http.py) against real sockets.

Each test starts a small asyncio server on the same loop that answers with exactly the
bytes a test chooses, so every shape of answer a PMA.core-compatible server may send is
met: sized, chunked, ending with the connection, closed mid-way, never answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import AsyncIterator, Callable, Collection
from contextlib import asynccontextmanager

import pytest

from studio.tileclient.async_http import ConnectionLost, ConnectTimeout, Pool

Answerer = Callable[[int, bytes], bytes | None]  # (request number, request) -> bytes to send


class Server:
    """Answers each request on each connection with `answer(n, request)`; None: close the
    connection without answering."""

    def __init__(
        self,
        answer: Answerer,
        close_after: Collection[int] = (),
        reset_after: Collection[int] = (),
    ) -> None:
        self.answer = answer
        self.close_after = close_after
        self.reset_after = reset_after
        self.requests: list[bytes] = []
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                self.requests.append(request)
                data = self.answer(len(self.requests), request)
                if data is None:
                    break
                for piece in _pieces(data):  # as the network may cut it
                    writer.write(piece)
                    await writer.drain()
                    await asyncio.sleep(0)
                if len(self.requests) in self.reset_after:
                    sock = writer.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    writer.transport.abort()  # RST, not FIN
                    return
                if len(self.requests) in self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def _pieces(data: bytes) -> list[bytes]:
    return [data[i : i + 7] for i in range(0, len(data), 7)] if len(data) < 200 else [data]


@asynccontextmanager
async def serving(
    answer: Answerer,
    close_after: Collection[int] = (),
    reset_after: Collection[int] = (),
    **options: float,
) -> AsyncIterator[tuple[Server, Pool]]:
    server = Server(answer, close_after, reset_after)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    pool = Pool(
        f"http://127.0.0.1:{port}/core/",
        connect_timeout=options.get("connect_timeout", 2.0),
        read_timeout=options.get("read_timeout", 2.0),
        connections=int(options.get("connections", 4)),
        headers={"Accept": "application/json", "User-Agent": "SlideStudio"},
    )
    try:
        yield server, pool
    finally:
        await pool.close()
        listener.close()
        for writer in server.writers:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        await listener.wait_closed()


def sized(body: bytes, status: str = "200 OK", extra: str = "") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(body)}\r\n"
    return (head + extra + "\r\n").encode() + body


async def test_a_sized_answer_arrives_whole_and_the_connection_is_kept() -> None:
    async with serving(lambda n, _: sized(b"tile %d" % n)) as (server, pool):
        first = await pool.get("/core/tile?x=1")
        second = await pool.get("/core/tile?x=2")
    assert (first.status, first.body, first.headers["content-type"]) == (
        200,
        b"tile 1",
        "image/jpeg",
    )
    assert second.body == b"tile 2"
    assert server.connections == 1
    assert server.requests[0].startswith(b"GET /core/tile?x=1 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nUser-Agent: SlideStudio\r\n" in server.requests[0]


async def test_a_chunked_answer_is_put_together() -> None:
    chunked = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: image/png\r\n\r\n"
        b"5\r\nhello\r\n7;ext=1\r\n, tiles\r\n0\r\nX-Trailer: yes\r\n\r\n"
    )
    async with serving(lambda n, _: chunked) as (server, pool):
        answers = [await pool.get("/core/tile") for _ in range(2)]
    assert [a.body for a in answers] == [b"hello, tiles"] * 2
    assert server.connections == 1


async def test_an_answer_without_length_ends_with_its_connection() -> None:
    answer = b"HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\r\n\r\nall of it"
    async with serving(lambda n, _: answer, close_after={1, 2}) as (server, pool):
        # The server closes after the answer: the next request needs a new connection.
        assert (await pool.get("/a")).body == b"all of it"
        assert (await pool.get("/b")).body == b"all of it"
    assert server.connections == 2


async def test_connection_close_is_honoured() -> None:
    async with serving(lambda n, _: sized(b"x", extra="Connection: close\r\n")) as (server, pool):
        await pool.get("/a")
        await pool.get("/b")
    assert server.connections == 2


async def test_an_interim_answer_is_skipped() -> None:
    answer = b"HTTP/1.1 100 Continue\r\n\r\n" + sized(b"after")
    async with serving(lambda n, _: answer) as (_, pool):
        assert (await pool.get("/a")).body == b"after"


async def test_a_kept_connection_the_server_closed_is_replaced_at_once() -> None:
    # Request 2 meets a kept connection that the server closes without answering, as one
    # whose keep-alive timeout ran out just then.
    async with serving(lambda n, _: None if n == 2 else sized(b"fresh")) as (server, pool):
        assert (await pool.get("/a")).body == b"fresh"
        assert (await pool.get("/b")).body == b"fresh"
    assert server.connections == 2
    assert len(server.requests) == 3


async def test_an_answer_cut_off_midway_is_not_asked_again() -> None:
    # Request 2 gets half an answer, then the server closes: it did see the request, so
    # asking again could do the work twice.
    def answer(n: int, request: bytes) -> bytes:
        return sized(b"0123456789")[: -4 if n == 2 else None]

    async with serving(answer, close_after={2}) as (server, pool):
        await pool.get("/a")
        with pytest.raises(ConnectionLost, match="connection closed") as raised:
            await pool.get("/b")
    assert raised.value.received > 0
    assert len(server.requests) == 2


async def test_a_server_that_closes_without_answering_is_connection_lost() -> None:
    async with serving(lambda n, _: None if n > 1 else sized(b"whole")) as (server, pool):
        await pool.get("/a")
        # The kept connection closes without an answer, and so does the new one.
        with pytest.raises(ConnectionLost) as raised:
            await pool.get("/b")
    assert raised.value.received == 0
    assert len(server.requests) == 3  # the kept connection, then one new one: no third try


async def test_bytes_that_are_not_http_are_refused() -> None:
    async with serving(lambda n, _: b"SSH-2.0-OpenSSH_9.2\r\n\r\n") as (_, pool):
        with pytest.raises(ConnectionLost, match="unreadable answer"):
            await pool.get("/a")


async def test_more_bytes_than_the_answer_holds_are_refused() -> None:
    async with serving(lambda n, _: sized(b"ok") + b"junk") as (_, pool):
        with pytest.raises(ConnectionLost, match="more bytes"):
            await pool.get("/a")


async def test_a_server_that_does_not_answer_in_time_times_out() -> None:
    async with serving(lambda n, _: b"", read_timeout=0.2) as (server, pool):
        with pytest.raises(TimeoutError):
            await pool.get("/a")
        assert not pool._idle[asyncio.get_running_loop()]  # that connection is not kept
    assert len(server.requests) == 1


async def test_a_closed_port_is_an_os_error() -> None:
    listener = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    listener.close()
    await listener.wait_closed()
    pool = Pool(
        f"http://127.0.0.1:{port}/", connect_timeout=1, read_timeout=1, connections=1, headers={}
    )
    with pytest.raises(OSError) as raised:
        await pool.get("/a")
    assert not isinstance(raised.value, ConnectionLost | ConnectTimeout)


async def test_no_more_requests_are_in_flight_than_allowed() -> None:
    async with serving(lambda n, _: sized(b"x"), connections=2) as (server, pool):
        answers = await asyncio.gather(*(pool.get(f"/{i}") for i in range(6)))
        assert len(pool._idle[asyncio.get_running_loop()]) == 2
    assert [a.body for a in answers] == [b"x"] * 6
    assert server.connections == 2  # two at a time, each connection used three times


async def test_a_request_closed_unanswered_everywhere_is_sent_twice_at_most() -> None:
    # Three kept connections; then the server closes every connection a request arrives on
    # (as a worker that dies on it): one kept connection and one new one, no more.
    async with serving(lambda n, _: sized(b"x") if n <= 3 else None, connections=3) as (
        server,
        pool,
    ):
        await asyncio.gather(*(pool.get(f"/{i}") for i in range(3)))
        with pytest.raises(ConnectionLost):
            await pool.get("/dies")
    assert len(server.requests) == 5


async def test_an_answer_cut_off_by_a_reset_is_an_error_not_a_short_image() -> None:
    answer = b"HTTP/1.0 200 OK\r\nContent-Type: image/jpeg\r\n\r\npart of a JPE"
    async with serving(lambda n, _: answer, reset_after={1}) as (_, pool):
        with pytest.raises(ConnectionLost):
            await pool.get("/a")


async def test_an_interim_answer_counts_as_an_answer_begun() -> None:
    async with serving(
        lambda n, _: sized(b"x") if n == 1 else b"HTTP/1.1 100 Continue\r\n\r\n", close_after={2}
    ) as (server, pool):
        await pool.get("/a")
        with pytest.raises(ConnectionLost):
            await pool.get("/b")  # the server did see it: not sent again
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"-6\r\nhello!\r\n0\r\n\r\n",  # a negative size
        b"0x5\r\nhello\r\n0\r\n\r\n",  # not bare hex
        b"3\r\nhello\r\n0\r\n\r\n",  # more data than its size
        b"5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n",  # bytes after the last chunk
    ],
)
async def test_a_broken_chunked_answer_is_refused_at_once(body: bytes) -> None:
    answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body
    async with serving(lambda n, _: answer, read_timeout=5) as (_, pool):
        started = asyncio.get_running_loop().time()
        with pytest.raises(ConnectionLost, match="unreadable answer"):
            await pool.get("/a")
        assert asyncio.get_running_loop().time() - started < 4  # not the read timeout


@pytest.mark.parametrize("length", ["-4", "+4", "4 4", "four"])
async def test_a_content_length_that_is_not_a_number_is_refused(length: str) -> None:
    answer = f"HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\nabcd".encode()
    async with serving(lambda n, _: answer) as (_, pool):
        with pytest.raises(ConnectionLost, match="unreadable answer"):
            await pool.get("/a")


async def test_credentials_in_the_url_stay_out_of_the_host_header() -> None:
    async with serving(lambda n, _: sized(b"x")) as (server, pool):
        port = pool.port
        other = Pool(
            f"http://user:secret@127.0.0.1:{port}/core/",
            connect_timeout=1,
            read_timeout=1,
            connections=1,
            headers={},
        )
        await other.get("/a")
        await other.close()
    assert b"\r\nHost: 127.0.0.1:%d\r\n" % port in server.requests[0]
    assert b"secret" not in server.requests[0]
