"""The lowest layer, no domain knowledge: bounded reads, atomic writes, safe text, URLs, deadlines."""
