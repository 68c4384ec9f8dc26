#!/usr/bin/env python3
"""A tiny webhook target for trying entitled (standard library only).

It receives entitled's grant and revoke calls, checks the X-Entitled-Signature
header when WEBHOOK_SECRET is set, prints one line per call, and answers
204 No Content -- or 503 for the resources named in the fail file, so that you
can watch a partial failure and a reprocess.

    WEBHOOK_SECRET=s3cret python3 docs/webhook-target.py            # listens on 127.0.0.1:9000
    PORT=9001 FAIL_FILE=/tmp/fail.txt python3 docs/webhook-target.py

FAIL_FILE (default ./webhook-fail.txt) holds resource originIds, one a line;
it is read on every call, so edit it while the target runs.
"""
import hashlib
import hmac
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ.get("WEBHOOK_SECRET", "")
FAIL_FILE = os.environ.get("FAIL_FILE", "webhook-fail.txt")
PORT = int(os.environ.get("PORT", "9000"))


def failing():
    try:
        with open(FAIL_FILE) as f:
            return {line.strip() for line in f if line.strip()}
    except FileNotFoundError:
        return set()


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if SECRET:
            want = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            if not hmac.compare_digest(self.headers.get("X-Entitled-Signature", ""), want):
                return self.answer(401, "bad signature")
        try:
            call = json.loads(body)
        except ValueError:
            return self.answer(400, "body is not JSON")
        resource = call.get("resource", {}).get("originId", "")
        status = 503 if resource in failing() else 204
        print(f"{call.get('action')} {call.get('role', {}).get('originId')} on {resource} "
              f"for {call.get('subject', {}).get('principalName')} -> {status}", flush=True)
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
    print(f"webhook target on http://127.0.0.1:{PORT} (fail file: {FAIL_FILE})", flush=True)
    ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
