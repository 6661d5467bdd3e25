"""The sandbox page in headless Chromium."""
