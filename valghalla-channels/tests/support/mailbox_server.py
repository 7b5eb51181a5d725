"""A real SMTP server for valghalla's tests: Debian's aiosmtpd, writing what it receives to a
Maildir-like folder.

Run it with the system interpreter (`/usr/bin/python3`, which has `python3-aiosmtpd`):

    /usr/bin/python3 mailbox_server.py --maildir DIR [--refuse STAGE=REPLY] [--refuse-times N]
                                       [--auth USER:PASSWORD] [--tls-cert PEM --tls-key PEM]

It listens on a free loopback port (or --port N) and prints that port as the first line on stdout once it
accepts connections. Every message it accepts is written byte for byte, as the client sent it,
to DIR/new/NNNN.eml (via DIR/tmp, so a reader never sees half a message), and the envelope
(MAIL FROM, RCPT TO, whether the session was encrypted and authenticated) to DIR/new/NNNN.json
before that. It stops when its stdin closes or on SIGTERM.

--refuse STAGE=REPLY answers REPLY (e.g. "451 4.3.0 Try again later") to the MAIL, RCPT or DATA
command instead of accepting it, the first N times (--refuse-times, 0 = always). With --auth the
server requires AUTH PLAIN/LOGIN with that user and password (over STARTTLS when --tls-cert is
given, otherwise over the plain connection, for tests only).
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class MailboxHandler:
    def __init__(self, maildir, refuse_stage, refuse_reply, refuse_times):
        self.maildir = maildir
        self.refuse_stage = refuse_stage
        self.refuse_reply = refuse_reply
        self.refuse_times = refuse_times
        self.refused = 0
        self.count = 0
        os.makedirs(os.path.join(maildir, "tmp"), exist_ok=True)
        os.makedirs(os.path.join(maildir, "new"), exist_ok=True)

    def refusal(self, stage):
        if self.refuse_stage != stage:
            return None
        if self.refuse_times and self.refused >= self.refuse_times:
            return None
        self.refused += 1
        return self.refuse_reply

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        refusal = self.refusal("mail")
        if refusal:
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.refusal("rcpt")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = self.refusal("data")
        if refusal:
            return refusal
        self.count += 1
        name = f"{self.count:04d}"
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "encrypted": session.ssl is not None,
            "authenticated": bool(session.authenticated),
        }
        self._write(name + ".json", json.dumps(meta).encode("utf-8"))
        self._write(name + ".eml", envelope.original_content)
        return f"250 2.0.0 Ok: queued as {name}"

    def _write(self, name, data):
        tmp = os.path.join(self.maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, os.path.join(self.maildir, "new", name))


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode("utf-8")
            and auth_data.password == password.encode("utf-8")
        )
        # handled=False: aiosmtpd answers a failure itself (535 5.7.8).
        return AuthResult(success=ok, handled=False)

    return authenticate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--refuse", default=None, help="STAGE=REPLY, STAGE in mail, rcpt, data")
    parser.add_argument("--refuse-times", type=int, default=0)
    parser.add_argument("--auth", default=None, help="USER:PASSWORD")
    parser.add_argument("--tls-cert", default=None)
    parser.add_argument("--tls-key", default=None)
    parser.add_argument("--port", type=int, default=0, help="the port (default: a free one)")
    args = parser.parse_args()

    refuse_stage, refuse_reply = None, None
    if args.refuse:
        refuse_stage, _, refuse_reply = args.refuse.partition("=")
        if refuse_stage not in ("mail", "rcpt", "data") or not refuse_reply[:3].isdigit():
            parser.error("--refuse wants STAGE=REPLY, e.g. rcpt=550 5.1.1 No such user")
    handler = MailboxHandler(args.maildir, refuse_stage, refuse_reply, args.refuse_times)

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    smtp_options = {"hostname": "mail.valghalla.test", "tls_context": tls_context}
    if tls_context is not None:
        smtp_options["require_starttls"] = True
    if args.auth:
        user, _, password = args.auth.partition(":")
        smtp_options["authenticator"] = authenticator_for(user, password)
        smtp_options["auth_required"] = True
        smtp_options["auth_require_tls"] = tls_context is not None

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(lambda: SMTP(handler, **smtp_options), "127.0.0.1", args.port,
                           reuse_address=True)
    )
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)

    stop = loop.stop
    loop.add_signal_handler(signal.SIGTERM, stop)

    def watch_stdin():
        while sys.stdin.buffer.read(4096):
            pass
        loop.call_soon_threadsafe(stop)

    threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()


if __name__ == "__main__":
    main()
