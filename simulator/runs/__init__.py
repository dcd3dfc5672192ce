"""Replications of a scenario over an executor (serial, processes, Dask), and --out folders."""
