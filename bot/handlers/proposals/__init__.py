"""Proposals: writing and sending them, following them, reviewing, the shortlist and its export."""
