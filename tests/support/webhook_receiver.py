#!/usr/bin/env python3
"""A webhook receiver for canarytrap's alert tests: a real HTTP server on loopback.

It verifies every POST's Canarytrap-Signature (HMAC-SHA256 over "t.body", 5-minute replay
window, the recipe in docs/webhooks.md), deduplicates by Canarytrap-Alert-Id, and appends
one JSON line per request to LOG: {"id", "event", "duplicate", "signature_ok", "status",
"body"}. How it answers is read from MODE_FILE at every request, so a test can change it
on demand: "ok" (204), "500", "429 SECONDS" (with Retry-After), "sleep SECONDS" (answers
late, for timeouts), "400".

Usage: webhook_receiver.py PORT SECRET_FILE MODE_FILE LOG [SEEN_FILE]
SEEN_FILE keeps the ids already accepted, so that a restarted receiver still deduplicates.
With RECEIVER_TLS_CERT and RECEIVER_TLS_KEY set it speaks HTTPS.
"""
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, secret_file, mode_file, log_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
seen_file = sys.argv[5] if len(sys.argv) > 5 else log_file + ".seen"
secret = open(secret_file, "rb").read().strip()
seen = set()
if os.path.exists(seen_file):
    seen = set(open(seen_file).read().split())


def verify(header, body):
    parts = dict(p.strip().split("=", 1) for p in header.split(",") if "=" in p)
    t = parts.get("t", "")
    if not t.isdigit() or abs(time.time() - int(t)) > 300:
        return False
    expected = hmac.new(secret, t.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            mode = open(mode_file).read().split()
        except OSError:
            mode = ["ok"]
        mode = mode or ["ok"]
        status = 204
        if mode[0] == "sleep":
            time.sleep(float(mode[1]))
        elif mode[0] in ("500", "400"):
            status = int(mode[0])
        elif mode[0] == "429":
            status = 429
        alert_id = self.headers.get("Canarytrap-Alert-Id", "")
        ok = verify(self.headers.get("Canarytrap-Signature", ""), body)
        duplicate = alert_id in seen
        if status == 204 and ok and not duplicate:
            seen.add(alert_id)
            with open(seen_file, "a") as f:
                f.write(alert_id + "\n")
        try:
            doc = json.loads(body)
        except ValueError:
            doc = None
        with open(log_file, "a") as f:
            f.write(json.dumps({"id": alert_id, "event": (doc or {}).get("event"), "duplicate": duplicate,
                                "signature_ok": ok, "status": status, "body": doc}) + "\n")
        self.send_response(status if ok else 401)
        if status == 429:
            self.send_header("Retry-After", mode[1] if len(mode) > 1 else "1")
        self.send_header("Content-Length", "0")
        self.end_headers()


ThreadingHTTPServer.allow_reuse_address = True
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
if os.environ.get("RECEIVER_TLS_CERT"):
    import ssl
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(os.environ["RECEIVER_TLS_CERT"], os.environ["RECEIVER_TLS_KEY"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print("listening", flush=True)
server.serve_forever()
