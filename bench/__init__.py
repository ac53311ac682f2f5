"""The benchmark suite: `make bench` runs bench/run.py against PostgreSQL and a real gunicorn.

See bench/RESULTS.md for what it measures and the figures of the last run.
"""
