"""The podcast's dialogue between a host and a guest."""
