"""The catch-all: anything no other router understood."""
