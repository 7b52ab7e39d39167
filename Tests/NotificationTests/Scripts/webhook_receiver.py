#!/usr/bin/env python3
"""A webhook receiver for tests: saves each POST (headers, body, signature check) as JSON.

Usage: webhook_receiver.py --port N --dir OUT --secret SECRET [--cert CERT --key KEY]
With --cert and --key it serves HTTPS.
A POST to /status/NNN is saved and answered with status NNN (to test failures).
Checks X-Reintegration-Signature = sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))
independently of the sender's code. Writes OUT/ready once listening (127.0.0.1 only).
"""
import argparse
import hashlib
import hmac
import http.server
import json
import os
import signal
import ssl
import uuid


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        timestamp = self.headers.get("X-Reintegration-Timestamp", "")
        signature = self.headers.get("X-Reintegration-Signature", "")
        expected = "sha256=" + hmac.new(self.server.secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        record = {
            "path": self.path,
            "timestamp": timestamp,
            "signature": signature,
            "signatureValid": hmac.compare_digest(expected, signature),
            "contentType": self.headers.get("Content-Type", ""),
            "body": json.loads(body.decode("utf-8")),
        }
        name = os.path.join(self.server.out, "%s.json" % uuid.uuid4())
        with open(name + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False)
        os.rename(name + ".tmp", name)
        parts = self.path.strip("/").split("/")
        status = int(parts[1]) if len(parts) == 2 and parts[0] == "status" and parts[1].isdigit() else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    # The parent may have blocked signals; stopping must work whatever it inherited.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    if args.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.out, server.secret = args.dir, args.secret.encode()
    with open(os.path.join(args.dir, "ready"), "w") as handle:
        handle.write(str(args.port))
    server.serve_forever()


if __name__ == "__main__":
    main()
