"""Admins appoint and dismiss organizers and reviewers."""
