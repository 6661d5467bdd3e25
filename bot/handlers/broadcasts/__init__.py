"""Announcements: /broadcast composes one for an audience; progress and cancelling."""
