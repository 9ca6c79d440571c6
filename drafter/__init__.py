"""drafter: draft LinkedIn-style posts from a topic or an article, in the terminal."""

__version__ = "0.1.0"
