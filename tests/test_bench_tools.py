"""The benchmark's own instruments: the wrk driver (bench/wrk.py, bench/wrk.lua) and the CPU
meter (bench/cpu.py), against a small HTTP server that records what it was sent."""

import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import cpu, wrk
from conftest import require_service


class Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str, str]]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        self.seen.append((self.command, self.path, self.headers.get("Cookie", ""), body))
        status = 500 if self.path.startswith("/broken") else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b"ok")
        self.close_connection = True

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def servers():
    require_service("wrk", shutil.which("wrk") is not None, "apt-get install wrk")
    started = []
    for _ in range(2):
        handler = type("Handler", (Recorder,), {"seen": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append((server, handler))
    yield started
    for server, _handler in started:
        server.shutdown()
        server.server_close()


def port(server) -> int:
    return server.server_address[1]


def test_a_fixed_request_is_sent_with_its_cookies_and_body(servers):
    (server, handler), _other = servers
    request = wrk.Request("POST", "/form/", cookies={"sessionid": "abc"}, form={"a": "1 2"})
    stats = wrk.run(request, ports=[port(server)], connections=2, duration=1)
    assert stats.count > 0 and stats.errors == 0 and stats.bad_status == 0
    # wrk stops with at most one request per connection unanswered
    assert stats.count <= len(handler.seen) <= stats.count + 2
    assert set(handler.seen) == {("POST", "/form/", "sessionid=abc", "a=1+2")}
    assert 0 < stats.percentile(50) <= stats.percentile(99)
    assert stats.rate == pytest.approx(stats.count / stats.elapsed)


def test_prepared_requests_are_each_sent_once_and_running_out_is_an_error(servers):
    (server, handler), _other = servers
    requests = [wrk.Request("POST", f"/submit/{n}/", form={"n": str(n)}) for n in range(5)]
    with pytest.raises(SystemExit, match="used up"):
        wrk.run(requests, ports=[port(server)], connections=1, duration=2)
    handler.seen.clear()
    wrk.run(requests, ports=[port(server)], connections=1, duration=2, may_run_out=True)
    paths = [path for _method, path, _cookie, _body in handler.seen]
    assert sorted(p for p in paths if p.startswith("/submit/")) == [
        f"/submit/{n}/" for n in range(5)
    ]


def test_prepared_requests_are_shared_out_between_threads_never_sent_twice(servers):
    (first, one), (second, two) = servers
    requests = [wrk.Request("POST", f"/submit/{n}/") for n in range(9)]
    wrk.run(
        requests, ports=[port(first), port(second)], connections=2, duration=2, may_run_out=True
    )
    paths = [seen[1] for seen in one.seen + two.seen if seen[1].startswith("/submit/")]
    assert sorted(paths) == sorted(f"/submit/{n}/" for n in range(9))
    assert one.seen and two.seen


def test_answers_of_400_and_above_are_counted(servers):
    (server, _handler), _other = servers
    stats = wrk.run(wrk.Request(path="/broken/"), ports=[port(server)], connections=1, duration=1)
    assert stats.count > 0 and stats.bad_status == stats.count


def test_two_servers_share_the_load_round_robin_by_thread(servers):
    (first, one), (second, two) = servers
    stats = wrk.run(
        wrk.Request(path="/"), ports=[port(first), port(second)], connections=2, duration=1
    )
    assert one.seen and two.seen
    assert stats.count <= len(one.seen) + len(two.seen) <= stats.count + 2


BUSY_CHILD = """
import sys, time
sys.stdin.readline()
begin = time.process_time()
while time.process_time() - begin < 0.3:
    pass
print(time.process_time() - begin, flush=True)
time.sleep(30)
"""


def test_the_cpu_meter_gives_a_busy_child_its_own_time():
    """A fixed amount of CPU work (not of time: the test may share the cores)."""
    with subprocess.Popen(
        [sys.executable, "-c", BUSY_CHILD], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as child:
        try:
            meter = cpu.Meter(busy=child.pid)
            meter.start()
            child.stdin.write("go\n")
            child.stdin.flush()
            worked = float(child.stdout.readline())
            used = meter.stop()
        finally:
            child.kill()
    assert worked * 0.8 < used["busy"] < worked + 0.2
    assert {"postgres", "redis", "load generator"} <= set(used)
    assert "busy 500" in cpu.per_request({"busy": 1.0}, 2)
