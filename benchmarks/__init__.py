"""Performance harness and the reference implementations the kernel is checked against."""
