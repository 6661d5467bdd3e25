"""Pure domain rules (and the demo data built on them), no database."""
