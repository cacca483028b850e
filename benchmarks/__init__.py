"""gatewright's performance harness: ``benchmarks/run`` (see benchmarks/README.md)."""
