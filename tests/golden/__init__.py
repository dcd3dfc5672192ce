"""Golden results: committed tables of fixed runs that tests/test_golden.py compares exactly."""
