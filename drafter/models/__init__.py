"""The models: a post and its parts, a draft of record, its title, the source article."""
