"""Downloads whole or not at all, through `norway-returns add URL`, against servers on
127.0.0.1 that misbehave as real ones do: a body cut before its Content-Length, a chunked
stream cut before its last chunk, a byte a second, an answer that is no HTTP. Each is
refused with a message naming the address, raw/ left as it was, and never a traceback.
"""

import socket
import socketserver
import threading
import time

import pytest

from test_add import SEEDS, add, assert_refused, home, snapshot  # noqa: F401  (home: a fixture)

DOCUMENT = (SEEDS / "2025-02-en.txt").read_bytes()
# the publication cut after its last table, before the line of prose that follows it: a text that
# builds, so only the download can tell that it is not whole
CUT = DOCUMENT.rindex(b"\nBy destination we mean")


class Misbehaving(socketserver.BaseRequestHandler):
    """Answers written byte for byte, as a broken server or a cut connection leaves them."""

    def handle(self):
        request = b""
        while b"\r\n\r\n" not in request:
            data = self.request.recv(4096)
            if not data:
                return
            request += data
        path = request.split(b" ")[1].decode()
        send = self.request.sendall
        try:
            if path == "/short":  # announces the whole, sends part, closes
                send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                     b"Connection: close\r\n\r\n" % len(DOCUMENT) + DOCUMENT[:CUT])
            elif path == "/chunked-cut":  # chunks, then the connection ends before the last (0) chunk
                send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
                for k in range(0, CUT, 4000):
                    part = DOCUMENT[k:min(k + 4000, CUT)]
                    send(b"%x\r\n%s\r\n" % (len(part), part))
            elif path == "/chunked-cut-mid":  # cut inside a chunk
                send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"%x\r\n" % len(DOCUMENT) + DOCUMENT[:CUT])
            elif path == "/chunked-whole":
                send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
                for k in range(0, len(DOCUMENT), 4000):
                    part = DOCUMENT[k:k + 4000]
                    send(b"%x\r\n%s\r\n" % (len(part), part))
                send(b"0\r\n\r\n")
            elif path == "/byte-a-second":  # each byte well within a socket timeout, the whole never
                send(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(DOCUMENT))
                for byte in DOCUMENT[:120]:
                    send(bytes([byte]))
                    time.sleep(1)
            elif path == "/headers-a-byte-a-second":
                for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: " + b"x" * 100:
                    send(bytes([byte]))
                    time.sleep(1)
            elif path == "/not-http":
                send(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")
            elif path == "/no-answer":
                pass  # closes without a word
        except OSError:
            pass  # the client gave up, as it should


@pytest.fixture(scope="module")
def server():
    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = True
        allow_reuse_address = True

    srv = Server(("127.0.0.1", 0), Misbehaving)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_the_cut_document_alone_builds(home, tmp_path):
    # what the cut servers send is a publication that builds: only the download can refuse it
    cut = tmp_path / "cut.txt"
    cut.write_bytes(DOCUMENT[:CUT])
    result = add(cut, cwd=home)
    assert result.returncode == 0, result.stderr


def test_a_whole_chunked_answer_is_added(home, server):
    result = add(f"{server}/chunked-whole", cwd=home)
    assert result.returncode == 0, result.stderr
    assert (home / "raw" / "2025-02-en.txt").read_bytes() == DOCUMENT


@pytest.mark.parametrize("path, args, message", [
    ("/short", [], f"incomplete: the server announced {len(DOCUMENT):,} bytes and sent {CUT:,}"),
    ("/chunked-cut", [], f"incomplete: the server's chunked answer stopped after {CUT:,} bytes, before its last chunk"),
    ("/chunked-cut-mid", [], "incomplete: the server's chunked answer stopped after"),
    ("/byte-a-second", ["--timeout", "3"], "no whole answer within 3 s"),
    ("/headers-a-byte-a-second", ["--timeout", "3"], "no whole answer within 3 s"),
    ("/not-http", [], "cannot be fetched: the server's answer is broken (BadStatusLine"),
    ("/no-answer", [], "cannot be fetched: Remote end closed connection without response"),
])
def test_a_download_not_whole_is_refused(home, server, path, args, message):
    before = snapshot(home / "raw")
    started = time.monotonic()
    result = add(server + path, *args, cwd=home, timeout=120)
    took = time.monotonic() - started
    assert_refused(result, before, home / "raw", message=f"{server}{path}: {message}")
    assert not (home / "returns.db").exists()
    if "--timeout" in args:  # the whole download within the time given (and the program's start)
        assert took < 3 + 10, took


def test_an_address_that_cannot_be_fetched_is_a_message(home):
    before = snapshot(home / "raw")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for url, message in ((f"http://127.0.0.1:{port}/x.pdf", "cannot be fetched"),
                         ("http://127.0.0.1:notaport/x.pdf", "not an address that can be fetched"),
                         ("http:///x.pdf", "cannot be fetched")):
        assert_refused(add(url, cwd=home), before, home / "raw", message=f"{url}: {message}")
