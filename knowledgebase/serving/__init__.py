"""Serving the site: page cache, rate limits, outages, sign-in lockouts, headers (see apps.py)."""
