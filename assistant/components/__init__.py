"""Custom NLU pipeline components (registered in config.yml by module path)."""
