"""An SMTP server on loopback that accepts and counts messages (its own process, so that it
never competes with the sender for a GIL). Usage: ``python -m bench.smtp_sink PORT``."""

from __future__ import annotations

import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        return "250 Message accepted"


def main() -> None:
    port = int(sys.argv[1])
    counter = Counter()
    # A fixed greeting name: aiosmtpd would otherwise look up the host name per connection.
    controller = Controller(counter, hostname="127.0.0.1", port=port, server_hostname="sink.local")
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print(f"received {counter.messages}", flush=True)  # noqa: T201


if __name__ == "__main__":
    main()
