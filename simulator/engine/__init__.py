"""The SimPy engine: one replication of a scenario -> records (numpy, no pandas)."""
