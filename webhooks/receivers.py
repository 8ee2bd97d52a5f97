"""Domain events become webhook events (filled in by the API work)."""
