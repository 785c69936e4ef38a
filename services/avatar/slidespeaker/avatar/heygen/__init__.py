"""The HeyGen presenter (`--avatar heygen`)."""
