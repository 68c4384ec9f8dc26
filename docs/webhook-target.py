#!/usr/bin/env python3
"""A tiny webhook target for trying entitled (standard library only).

It receives entitled's grant and revoke calls, verifies their Standard Webhooks
signature (https://www.standardwebhooks.com) when WEBHOOK_SECRET is set, prints
one line per call, and answers 204 No Content -- or 503 for the resources named
in the fail file, so that you can watch a partial failure and a reprocess.

    WEBHOOK_SECRET=s3cret python3 docs/webhook-target.py            # listens on 127.0.0.1:9000
    PORT=9001 FAIL_FILE=/tmp/fail.txt python3 docs/webhook-target.py

WEBHOOK_SECRET is the webhook system's config.secret, as given to entitled:
either "whsec_" and the base64 of the key, or any other string, whose UTF-8
bytes are then the key. With a secret set, a call is refused with 401 when:

- its webhook-signature has no "v1,<base64 HMAC-SHA256>" of
  "{webhook-id}.{webhook-timestamp}.{body}" under the key;
- its webhook-timestamp is more than 5 minutes away from this host's clock
  (a stale call, replayed later).

A call whose webhook-id was already applied (answered 2xx) within those 5
minutes is answered 200 "duplicate" and not applied again: a retry whose
answer got lost, or a replay. A call answered 503 is not remembered, so its
retry, which carries the same webhook-id, is applied.

FAIL_FILE (default ./webhook-fail.txt) holds resource originIds, one a line;
it is read on every call, so edit it while the target runs. PORT=0 picks a
free port; the first line printed gives the address.
"""
import base64
import binascii
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ.get("WEBHOOK_SECRET", "")
FAIL_FILE = os.environ.get("FAIL_FILE", "webhook-fail.txt")
PORT = int(os.environ.get("PORT", "9000"))
TOLERANCE = 5 * 60  # seconds

SEEN = {}  # webhook-id -> timestamp of the call applied under it
SEEN_LOCK = threading.Lock()
CALL_LOCK = threading.Lock()


def signing_key(secret):
    """The HMAC key of a secret: base64 after whsec_, else the secret's bytes."""
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):], validate=True)
    return secret.encode()


KEY = signing_key(SECRET) if SECRET else b""


def failing():
    try:
        with open(FAIL_FILE) as f:
            return {line.strip() for line in f if line.strip()}
    except FileNotFoundError:
        return set()


def verify(headers, body):
    """Returns (webhook-id, None) for a good call or (None, reason)."""
    msg_id = headers.get("webhook-id", "")
    stamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not msg_id or not stamp or not signatures:
        return None, "missing webhook-id, webhook-timestamp or webhook-signature"
    try:
        ts = int(stamp)
    except ValueError:
        return None, "webhook-timestamp is not integer seconds"
    if abs(time.time() - ts) > TOLERANCE:
        return None, "stale webhook-timestamp"
    signed = msg_id.encode() + b"." + stamp.encode() + b"." + body
    want = hmac.new(KEY, signed, hashlib.sha256).digest()
    for entry in signatures.split():
        version, _, sig = entry.partition(",")
        if version != "v1":
            continue
        try:
            got = base64.b64decode(sig, validate=True)
        except (binascii.Error, ValueError):
            continue
        if hmac.compare_digest(got, want):
            return msg_id, None
    return None, "bad signature"


def seen(msg_id):
    now = time.time()
    with SEEN_LOCK:
        for old in [k for k, t in SEEN.items() if now - t > TOLERANCE]:
            del SEEN[old]  # older than the tolerance: refused as stale anyway
        return msg_id in SEEN


def remember(msg_id, stamp):
    with SEEN_LOCK:
        SEEN[msg_id] = int(stamp)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with CALL_LOCK:  # one call at a time, so a duplicate cannot slip in beside its original
            self.handle_call(body)

    def handle_call(self, body):
        msg_id = None
        if SECRET:
            msg_id, reason = verify(self.headers, body)
            if reason:
                print(f"refused: {reason} -> 401", flush=True)
                return self.answer(401, reason)
            if seen(msg_id):
                print(f"duplicate webhook-id {msg_id}: not applied again -> 200", flush=True)
                return self.answer(200, "duplicate")
        try:
            call = json.loads(body)
        except ValueError:
            return self.answer(400, "body is not JSON")
        resource = call.get("resource", {}).get("originId", "")
        status = 503 if resource in failing() else 204
        print(f"{call.get('action')} {call.get('role', {}).get('originId')} on {resource} "
              f"for {call.get('subject', {}).get('principalName')} -> {status}", flush=True)
        if msg_id and status < 300:
            remember(msg_id, self.headers["webhook-timestamp"])
        self.answer(status, "target unavailable" if status == 503 else "")

    def answer(self, status, text):
        data = text.encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if data:
            self.wfile.write(data)

    def log_message(self, *args):  # one line per call is printed above
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
    print(f"webhook target on http://127.0.0.1:{server.server_address[1]} (fail file: {FAIL_FILE})", flush=True)
    server.serve_forever()
