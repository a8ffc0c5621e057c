"""Replays of real GENESIS web-service answers (../shared/fixtures/api/, see its PROVENANCE.md) from a local
HTTP server on 127.0.0.1. No test that uses it touches the network.

The recordings come in three shapes, decoded here:
- pystatis VCR cassettes (YAML): `interactions[i].request/response`, bodies as `!!binary` base64 or text;
- restatis httptest2 mocks: an R `structure(list(...))` of an httr2 response, the body as `charToRaw("...")` or
  `as.raw(c(0x50, 0x4b, ...))`;
- the Destatis example notebooks: recorded cell outputs (text only; the logincheck output is cut 36 characters
  before its end by the notebook itself, `hello.text[:-36]`).

The server answers a request with the next unused recorded interaction of the same endpoint whose form fields
`name`, `job`, `format`, `selection`, `language` agree (those the client and the recording both send); the last matching one is
repeated when all are used (a poll answered "not ready" again and again). A request without a recording gets 404
and is kept in `unanswered`, so that a test can say what the client asked that no recording covers.
"""

from __future__ import annotations

import ast
import json
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from tests.conftest import SHARED_DIR

API_FIXTURES = SHARED_DIR / "fixtures" / "api"
MATCHED_FIELDS = ("name", "job", "format", "selection", "language")
API_PREFIX = "rest/2020/"


@dataclass(frozen=True)
class Interaction:
    method: str
    endpoint: str  # path after '.../rest/2020/', e.g. 'data/tablefile'
    form: dict[str, str]  # form body, or query parameters of a GET
    status: int
    headers: dict[str, str]  # response headers that matter here (Content-Type, Content-Disposition)
    body: bytes


def _endpoint(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    return path.split(API_PREFIX, 1)[1] if API_PREFIX in path else path.rsplit("/api/", 1)[-1]


def _first(value) -> str:
    return value[0] if isinstance(value, list) else str(value)


def pystatis_cassette(name: str) -> list[Interaction]:
    """The interactions of a pystatis cassette, e.g. '12411-01-01-4@b6e0dd8.yaml'."""
    with open(API_FIXTURES / "pystatis" / name, "rb") as handle:
        cassette = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    interactions = []
    for recorded in cassette["interactions"]:
        request, response = recorded["request"], recorded["response"]
        form = dict(urllib.parse.parse_qsl(request.get("body") or "", keep_blank_values=True))
        form.update(urllib.parse.parse_qsl(urllib.parse.urlsplit(request["uri"]).query, keep_blank_values=True))
        body = response["body"].get("string") or b""
        interactions.append(Interaction(
            method=request["method"],
            endpoint=_endpoint(request["uri"]),
            form=form,
            status=int(response["status"]["code"]),
            headers={key: _first(value) for key, value in response["headers"].items()
                     if key.lower() in ("content-type", "content-disposition")},
            body=body.encode("utf-8") if isinstance(body, str) else body,
        ))
    return interactions


def restatis_mock(name: str) -> Interaction:
    """The response of a restatis httptest2 mock (an R structure), e.g. 'table1_tablefile-...-POST.R'."""
    text = (API_FIXTURES / "restatis" / name).read_text(encoding="utf-8")
    headers_block = re.search(r"headers = structure\(list\((.*?)\), class = \"httr2_headers\"\)", text, re.S).group(1)
    headers = {key.strip("`"): value for key, value in re.findall(r"(`[^`]+`|\w+) = \"((?:[^\"\\]|\\.)*)\"",
                                                                   headers_block)}
    raw = re.search(r"body = as\.raw\(c\(([^)]*)\)\)", text)
    if raw:
        body = bytes(int(byte, 16) for byte in re.findall(r"0x([0-9a-fA-F]{2})", raw.group(1)))
    else:
        literal = re.search(r"body = charToRaw\(\"((?:[^\"\\]|\\.)*)\"\)", text).group(1)
        body = literal.encode("utf-8").decode("unicode_escape").encode("latin-1")
    url = re.search(r"url = \"([^\"]*)\"", text).group(1)
    return Interaction(
        method=re.search(r"method = \"(\w+)\"", text).group(1),
        endpoint=_endpoint(url),
        form={},
        status=int(re.search(r"status_code = (\d+)L", text).group(1)),
        headers={key: value for key, value in headers.items() if key.lower() in ("content-type", "content-disposition")},
        body=body,
    )


def notebook_outputs(name: str) -> list[str]:
    """Every recorded text output of a Destatis example notebook, in cell order."""
    notebook = json.loads((API_FIXTURES / "destatis-genesis-online" / name).read_text(encoding="utf-8"))
    texts = []
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            text = "".join(output.get("text", "")) or "".join(output.get("data", {}).get("text/plain", ""))
            if text:
                texts.append(text)
    return texts


def notebook_logincheck() -> Interaction:
    """The logincheck answer recorded in python_logincheck.ipynb. The notebook printed it as a Python string
    literal without its last 36 characters (`:"<32 hex digits>"}`, the user's hash); only that cut tail is
    completed here (with zeros), the rest is the recorded text."""
    recorded = next(text for text in notebook_outputs("python_logincheck.ipynb") if '"Status"' in text)
    body = ast.literal_eval(recorded)  # a str literal, as the notebook printed it
    assert body.endswith('"Username"')
    return Interaction("POST", "helloworld/logincheck", {}, 200, {"Content-Type": "application/json;charset=UTF-8"},
                       (body + ':"' + "0" * 32 + '"}').encode("utf-8"))


@dataclass
class SeenRequest:
    method: str
    path: str
    endpoint: str
    headers: dict[str, str]  # lower-case names
    form: dict[str, str]


@dataclass
class ReplayServer:
    port: int
    interactions: list[Interaction] = field(default_factory=list)
    seen: list[SeenRequest] = field(default_factory=list)
    unanswered: list[SeenRequest] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    delay: float = 0.0  # seconds each answer waits (to see whether requests overlap)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def base_url(self, prefix: str = "/genesisws/rest/2020/") -> str:
        return f"http://127.0.0.1:{self.port}{prefix}"

    def requests_to(self, endpoint: str) -> list[SeenRequest]:
        return [seen for seen in self.seen if seen.endpoint == endpoint]

    def answer(self, seen: SeenRequest) -> Interaction | None:
        with self.lock:
            candidates = [
                (index, recorded) for index, recorded in enumerate(self.interactions)
                if recorded.endpoint == seen.endpoint
                and all(recorded.form.get(key) == seen.form.get(key)
                        for key in MATCHED_FIELDS if key in recorded.form and key in seen.form)
            ]
            for index, recorded in candidates:
                if index not in self.used:
                    self.used.add(index)
                    return recorded
            return candidates[-1][1] if candidates else None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        self._handle()

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        replay: ReplayServer = self.server.replay  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("ascii") if length else ""
        split = urllib.parse.urlsplit(self.path)
        form = dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
        form.update(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
        seen = SeenRequest(self.command, self.path, _endpoint(split.path),
                           {name.lower(): value for name, value in self.headers.items()}, form)
        with replay.lock:
            replay.seen.append(seen)
            replay.in_flight += 1
            replay.max_in_flight = max(replay.max_in_flight, replay.in_flight)
        answered = False
        try:
            if replay.delay:
                time.sleep(replay.delay)
            recorded = replay.answer(seen)
            if recorded is None:
                replay.unanswered.append(seen)
                status, headers, payload = 404, {"Content-Type": "text/plain"}, b"no recording for this request"
            else:
                status, headers, payload = recorded.status, recorded.headers, recorded.body
            self.close_connection = True
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            # Answered from here on: once the last byte is out, the client may rightly send its next request before
            # this handler thread gets to run again, and that must not count as two requests at once.
            with replay.lock:
                replay.in_flight -= 1
                answered = True
            self.wfile.write(payload)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first (a timeout test)
        finally:
            if not answered:
                with replay.lock:
                    replay.in_flight -= 1

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@contextmanager
def replay_server(interactions: list[Interaction]) -> Iterator[ReplayServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    replay = ReplayServer(server.server_address[1], list(interactions))
    server.replay = replay  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield replay
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def every_recording() -> list[Path]:
    """Every recorded file under ../shared/fixtures/api/ (the tests check that each one is replayed)."""
    return sorted(path for path in API_FIXTURES.rglob("*") if path.is_file() and path.name != "PROVENANCE.md")
