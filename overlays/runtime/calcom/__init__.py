"""Cal.com API v2 client (placeholder; the real lazy export list comes with the runtime)."""
