#!/usr/bin/python3
"""An SMTP relay for tests, on aiosmtpd (Debian's python3-aiosmtpd): STARTTLS or
implicit TLS (SMTPS), optionally requiring AUTH. Saves each accepted message as JSON.

Usage: smtp_tls_relay.py --port N --dir OUT --cert CERT --key KEY
                         [--implicit-tls] [--user U --password P]
With --user, mail is accepted only after AUTH (PLAIN or LOGIN) with those credentials,
and only over TLS. Without --implicit-tls, STARTTLS is required before MAIL.
Writes OUT/ready once listening (127.0.0.1 only).
"""
import argparse
import email
import email.policy
import json
import os
import signal
import ssl
import threading
import uuid

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        record = {
            "mailFrom": envelope.mail_from,
            "rcptTo": envelope.rcpt_tos,
            "subject": str(message["subject"]),
            "body": message.get_content(),
            "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": session.authenticated,
        }
        name = os.path.join(self.out, "%s.json" % uuid.uuid4())
        with open(name + ".tmp", "w", encoding="utf-8") as handle:
            json.dump(record, handle, ensure_ascii=False)
        os.rename(name + ".tmp", name)
        return "250 OK queued"


def main():
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)

    def authenticate(server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and \
            auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        # handled=False: aiosmtpd answers a failure with 535 itself.
        return AuthResult(success=good, handled=False)

    options = {}
    if args.user:
        options.update(authenticator=authenticate, auth_required=True, auth_require_tls=True)
    if args.implicit_tls:
        controller = Controller(Saver(args.dir), hostname="127.0.0.1", port=args.port,
                                ssl_context=context, server_hostname="localhost", **options)
    else:
        controller = Controller(Saver(args.dir), hostname="127.0.0.1", port=args.port,
                                tls_context=context, require_starttls=True, **options)
    controller.start()
    with open(os.path.join(args.dir, "ready"), "w") as handle:
        handle.write(str(args.port))
    threading.Event().wait()


if __name__ == "__main__":
    main()
