"""The demo world: a synthetic registry, demo forums, proposals and people for the sandbox."""
