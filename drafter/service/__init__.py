"""The drafting service the CLI and the app share: source + template + settings -> a post."""
