"""The engine for OpenAI and OpenAI-compatible servers, and how it reads their answers."""
