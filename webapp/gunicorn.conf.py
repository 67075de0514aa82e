# ruff: noqa: N999 - gunicorn.conf.py is the name gunicorn itself looks for
"""Gunicorn settings of the web app, for `make run` (the Procfile's web line), the server tests
and bench/hardening_bench.py alike.

gevent workers: a WebSocket, a slow client or an upload in flight waits on its socket in a
greenlet instead of holding one of a few threads, so long connections cannot starve the API.
Try-on CV work is CPU-bound and runs on a few native threads beside each worker's event loop
(webapp/makeup/renders.py).
"""

import os

wsgi_app = "webapp:create_app()"
bind = [f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('WEB_PORT', '5000')}"]
worker_class = "gevent"
workers = 2  # one per core: each renders on its own native threads, and the GIL is per process
worker_connections = 1000  # open connections per worker, idle WebSockets included
# keep-alive idle time, and with gevent also the time a client has to send a request's
# headers: half-sent requests are cut off after it (so it must not be 0)
keepalive = 5
timeout = 30  # a worker whose event loop stalls this long is restarted
graceful_timeout = 10
accesslog = "-"
logger_class = "webapp.logmask.MaskingLogger"  # access lines without phone numbers or booking codes


def post_worker_init(worker):
    """Each worker compiles the try-on kernels before it takes requests, not on a shopper's first frame."""
    from tryon.makeup import warm_up

    warm_up()
