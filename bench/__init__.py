"""`make bench`: national-scale seeding and measurements of Kovablik on real Postgres, Redis, gunicorn and Celery.

Run with `python -m bench` (what `make bench` does). Everything it measures is reported as one JSON document,
printed and written to bench/results/latest.json; docs/performance.md explains each figure.
"""
