"""moto's server, serving one request at a time.

moto_server normally serves requests on many threads, and moto applies a conditional write
or a transaction in several steps without a lock, so two concurrent conditional writes can
both succeed — which real DynamoDB never allows. The contract suite tests concurrency (20
operators claiming one chat, concurrent appends), so it runs moto's own WSGI app without
threads: each request is then atomic, as DynamoDB's are.

Usage: python moto_serial.py -p PORT [-H HOST]
"""
import argparse
import ctypes
import os
import signal

from moto.server import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple


def die_with_parent():
    """Ends this server when the test process that started it ends (Linux), however it ends:
    a test binary never drops the child it keeps for its whole life."""
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent ended before the line above
        os._exit(0)


def main():
    die_with_parent()
    p = argparse.ArgumentParser()
    p.add_argument("-H", "--host", default="127.0.0.1")
    p.add_argument("-p", "--port", type=int, required=True)
    a = p.parse_args()
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(a.host, a.port, app, threaded=False, use_reloader=False)


if __name__ == "__main__":
    main()
