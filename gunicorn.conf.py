"""gunicorn's settings for Civitas: read from the working directory by ``make run``, the
deployment command in docs/deploy.md and the benchmarks; the command line overrides any.

Threads, not sync workers: a sync worker closes the connection after every response, so
an API client (a phone, a kiosk, the load balancer) opens a new one per request, which
cost 1–2 ms more CPU per request between server and client than keep-alive, and the
worker waits idle on every database round trip. Two workers of four threads served the
marathon-morning check-ins best on two cores (docs/performance.md). Each thread keeps its
own database connection (``CONN_MAX_AGE``): workers × threads connections per node.
"""

import os

wsgi_app = "civitas.wsgi:application"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", os.cpu_count() or 2))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Longer than gunicorn's 2 s, so a client between two requests keeps its connection.
keepalive = 5
timeout = 60
