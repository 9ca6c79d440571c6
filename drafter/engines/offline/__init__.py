"""The offline engine: an extractive, deterministic draft, and its plain-text analysis."""
