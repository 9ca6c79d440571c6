"""Where an article comes from: a topic, pasted text, stdin, a file or a URL."""
