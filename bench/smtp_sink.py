"""An SMTP server on loopback that accepts and counts messages (its own process, so that it
never competes with the sender for a GIL). Usage: ``python -m bench.smtp_sink PORT [FILE]``:
on SIGTERM it writes the Message-ID of every message it received to FILE, one per line, so
that the bench can check that each email arrived exactly once."""

from __future__ import annotations

import re
import signal
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Counter:
    def __init__(self) -> None:
        self.messages = 0
        self.ids: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages += 1
        found = MESSAGE_ID.search(envelope.original_content[:16384])  # in the header block
        self.ids.append(found.group(1) if found else b"-")
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
    if len(sys.argv) > 2:
        Path(sys.argv[2]).write_bytes(b"".join(i + b"\n" for i in counter.ids))
    print(f"received {counter.messages}", flush=True)  # noqa: T201


if __name__ == "__main__":
    main()
