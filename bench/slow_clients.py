#!/usr/bin/env python3
"""Slow clients for bench/run.sh: CLIENTS connections that each send one HTTP
request one byte per INTERVAL seconds and keep their connection open, to see
whether a server that waits on them keeps answering everyone else.

  bench/slow_clients.py --port PORT [--clients 200] [--interval 1] [--duration 40]
                        [--path /healthz] [--exit-when-all-closed]

Connects every client first and prints "slow_clients: N of M connected" on
stdout (bench/run.sh waits for that line), then sends one byte per client per
interval. Nothing is reconnected: a connection the server closes stays closed,
and the time it was held is recorded (HipCoach gives a request 30 s to arrive,
so a 1 byte/s client with a request of about 80 bytes is cut after 30 s).
Stops on SIGTERM or SIGINT, after --duration seconds, or, with
--exit-when-all-closed, once the server has closed every connection; then
prints one JSON line: clients, connected, open (still open at the end),
closed_by_server, answered (got response bytes), held_min_s / held_max_s (how
long the closed ones were held), bytes_sent_max, seconds (the run's length).
"""

import argparse
import json
import selectors
import signal
import socket
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between bytes")
    parser.add_argument("--duration", type=float, default=40.0, help="seconds at most")
    parser.add_argument("--path", default="/healthz")
    parser.add_argument("--exit-when-all-closed", action="store_true")
    return parser.parse_args()


class Client:
    def __init__(self, sock, request):
        self.sock = sock
        self.request = request
        self.sent = 0
        self.opened = time.monotonic()
        self.closed_after = None  # seconds, once the server closed it
        self.answered = False


def main():
    args = parse_args()
    if args.clients < 1 or args.interval <= 0:
        sys.exit("slow_clients.py: --clients must be >= 1 and --interval > 0")
    request = (f"GET {args.path} HTTP/1.1\r\nHost: {args.host}:{args.port}\r\n"
               "User-Agent: hipcoach-slow-client\r\nAccept: */*\r\n\r\n").encode()

    stopping = False

    def stop(_signum, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    began = time.monotonic()
    selector = selectors.DefaultSelector()
    clients = []
    failures = {}
    for _ in range(args.clients):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(10)
        try:
            sock.connect((args.host, args.port))
        except OSError as error:
            failures[type(error).__name__] = failures.get(type(error).__name__, 0) + 1
            sock.close()
            continue
        sock.setblocking(False)
        client = Client(sock, request)
        clients.append(client)
        selector.register(sock, selectors.EVENT_READ, client)
    print(f"slow_clients: {len(clients)} of {args.clients} connected", flush=True)

    def close(client):
        selector.unregister(client.sock)
        client.sock.close()
        client.closed_after = time.monotonic() - client.opened

    next_byte = time.monotonic()
    while not stopping:
        now = time.monotonic()
        if now - began >= args.duration:
            break
        open_clients = [c for c in clients if c.closed_after is None]
        if args.exit_when_all_closed and not open_clients:
            break
        if now >= next_byte:
            for client in open_clients:
                # After the whole request, start it again (keep-alive).
                index = client.sent % len(client.request)
                try:
                    client.sock.send(client.request[index:index + 1])
                    client.sent += 1
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    close(client)
            next_byte += args.interval
        timeout = max(0.0, min(next_byte - time.monotonic(), 0.5))
        try:
            events = selector.select(timeout)
        except InterruptedError:
            continue
        for key, _mask in events:
            client = key.data
            try:
                data = client.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data:
                client.answered = True
            else:
                close(client)

    held = [c.closed_after for c in clients if c.closed_after is not None]
    summary = {
        "clients": args.clients,
        "connected": len(clients),
        "connect_failures": failures,
        "open": sum(1 for c in clients if c.closed_after is None),
        "closed_by_server": len(held),
        "answered": sum(1 for c in clients if c.answered),
        "held_min_s": round(min(held), 1) if held else None,
        "held_max_s": round(max(held), 1) if held else None,
        "bytes_sent_max": max((c.sent for c in clients), default=0),
        "request_bytes": len(request),
        "seconds": round(time.monotonic() - began, 1),
    }
    for client in clients:
        if client.closed_after is None:
            client.sock.close()
    print(json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
