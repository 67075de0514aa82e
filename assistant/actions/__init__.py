"""Custom actions: thin clients of the StoreLens JSON API (STORELENS_API_URL)."""
