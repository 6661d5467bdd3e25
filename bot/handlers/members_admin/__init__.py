"""Organizers: find members of their region, open records, issue invite codes."""
