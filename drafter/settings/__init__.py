"""Settings and paths: the layered configuration, the workspace and the user's folders."""
