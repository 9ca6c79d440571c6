"""drafter tests (a package, so helpers import as ``tests.loopback``)."""
