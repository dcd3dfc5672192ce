"""Studies built from runs: compare, sweep, pareto, training, staffing, assessment."""
