"""Organizers' forum tools: the /newforum wizard and editing, /myforums, check-in by QR."""
