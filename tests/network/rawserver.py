"""A loopback HTTP/1.1 server that answers with bytes a test scripts, byte for byte:
for what no well-behaved server library would send (1xx before the answer, odd framing,
header bytes beyond ASCII, stalls)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType


@dataclass(frozen=True)
class Stall:
    """An answer that sends ``sent`` (maybe nothing) and then nothing more, holding the
    connection open: the client's read timeout must end the call."""

    sent: bytes = b""


#: ``answer(index, head)`` for the ``index``-th request (from 0) of the server, whose
#: head (request line and headers) is ``head``: the bytes to send back, or a Stall.
Answer = Callable[[int, bytes], "bytes | Stall"]


class RawServer:
    """``with RawServer(answer) as url:``; ``connections`` counts the connections accepted,
    ``heads`` keeps each request's head. With ``close=True`` the connection is closed after
    each answer; otherwise it is kept open for the next request."""

    def __init__(self, answer: Answer, *, close: bool = False) -> None:
        self.answer = answer
        self.close = close
        self.connections = 0
        self.heads: list[bytes] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def __enter__(self) -> str:
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        threading.Thread(target=self._accept, daemon=True, name="RawServer").start()
        return self.url

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopped.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            held, self._open = self._open, []
        for sock in held:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        buffer = b""
        try:
            while True:
                while b"\r\n\r\n" not in buffer:
                    data = sock.recv(65536)
                    if not data:
                        return
                    buffer += data
                head, buffer = buffer.split(b"\r\n\r\n", 1)
                buffer = self._skip_body(sock, head, buffer)
                with self._lock:
                    index = len(self.heads)
                    self.heads.append(head)
                reply = self.answer(index, head)
                if isinstance(reply, Stall):
                    sock.sendall(reply.sent)
                    self._stopped.wait(30)
                    return
                sock.sendall(reply)
                if self.close:
                    sock.shutdown(socket.SHUT_RDWR)
                    return
        except OSError:
            return
        finally:
            sock.close()

    @staticmethod
    def _skip_body(sock: socket.socket, head: bytes, buffer: bytes) -> bytes:
        """Reads past a request body with a Content-Length (the SDK's GETs have none)."""
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(buffer) < length:
            data = sock.recv(65536)
            if not data:
                break
            buffer += data
        return buffer[length:]


def response(
    body: bytes = b"",
    *,
    status: bytes = b"200 OK",
    headers: list[bytes] | None = None,
    length: bool = True,
    eol: bytes = b"\r\n",
) -> bytes:
    """An answer's bytes: status line, ``headers`` as given (raw lines), a Content-Length
    unless ``length`` is False, then the body."""
    lines = [b"HTTP/1.1 " + status, *(headers or [])]
    if length:
        lines.append(b"Content-Length: %d" % len(body))
    return eol.join(lines) + eol + eol + body
