"""The command line: arguments in, the drafting service called, results and one-line errors out."""
