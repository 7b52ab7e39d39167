#!/usr/bin/env python3
"""A minimal SMTP server for tests: saves each accepted message as JSON in a folder,
with the id of the connection (session) it came on.

Usage: smtp_sink.py --port N --dir OUT [--reject-prefix PREFIX] [--defer-prefix PREFIX] [--refuse-greeting]
                    [--message-reply CODE]
Recipients whose address starts with the reject prefix are refused with 550 (a permanent
failure), those with the defer prefix with 450 (a temporary one). --refuse-greeting greets
with 554 and closes (a relay that refuses service). --message-reply answers the end of
every message with CODE instead of accepting it.
Writes OUT/ready once listening. Listens on 127.0.0.1 only.
"""
import argparse
import email
import email.header
import email.policy
import json
import os
import signal
import socketserver
import uuid


class Handler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        if self.server.refuse_greeting:
            self.reply("554 5.3.2 no service")
            return
        self.reply("220 localhost test sink")
        self.session = str(uuid.uuid4())
        mail_from, rcpt_to = None, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 localhost")
            elif verb == "MAIL":
                mail_from, rcpt_to = line[10:].strip().strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                address = line[8:].strip().strip("<>")
                if self.server.reject_prefix and address.startswith(self.server.reject_prefix):
                    self.reply("550 5.1.1 mailbox unavailable")
                elif self.server.defer_prefix and address.startswith(self.server.defer_prefix):
                    self.reply("450 4.2.1 mailbox busy")
                else:
                    rcpt_to.append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                if not rcpt_to:
                    self.reply("503 no valid recipients")
                    continue
                self.reply("354 end with .")
                lines = []
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    if data.startswith(b".."):
                        data = data[1:]
                    lines.append(data)
                if self.server.message_reply:
                    self.reply("%d refused by the test" % self.server.message_reply)
                    continue
                self.save(mail_from, rcpt_to, b"".join(lines))
                self.reply("250 OK queued")
            elif verb == "RSET":
                mail_from, rcpt_to = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 not implemented")

    def save(self, mail_from, rcpt_to, raw):
        message = email.message_from_bytes(raw, policy=email.policy.default)
        record = {
            "session": self.session,
            "mailFrom": mail_from,
            "rcptTo": rcpt_to,
            "subject": str(message["subject"]),
            "body": "" if message.is_multipart() else message.get_content(),
            "messageId": str(message["message-id"]),
            "references": str(message["references"] or ""),
            "inReplyTo": str(message["in-reply-to"] or ""),
            "contentType": message.get_content_type(),
            "raw": raw.decode("utf-8", "replace"),
        }
        if message.is_multipart():
            parts = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
            record["body"] = parts.get("text/plain", "")
            record["html"] = parts.get("text/html", "")
        name = os.path.join(self.server.out, "%s.json" % uuid.uuid4())
        with open(name + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False)
        os.rename(name + ".tmp", name)


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    # The parent may have blocked signals; stopping must work whatever it inherited.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--reject-prefix", default="")
    parser.add_argument("--defer-prefix", default="")
    parser.add_argument("--refuse-greeting", action="store_true")
    parser.add_argument("--message-reply", type=int, default=0)
    args = parser.parse_args()
    server = Server(("127.0.0.1", args.port), Handler)
    server.out, server.reject_prefix = args.dir, args.reject_prefix
    server.defer_prefix, server.refuse_greeting = args.defer_prefix, args.refuse_greeting
    server.message_reply = args.message_reply
    with open(os.path.join(args.dir, "ready"), "w") as handle:
        handle.write(str(args.port))
    server.serve_forever()


if __name__ == "__main__":
    main()
