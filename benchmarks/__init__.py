"""covplan's performance harness: ``make bench`` or ``python -m benchmarks.run``."""
