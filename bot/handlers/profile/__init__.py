"""My record (/me) and corrections to it."""
