"""Accounts (profiles, access, tokens, audit, notifications), the home page and the REST API."""
