"""Records -> tables and KPIs: frames, KPI catalogue, statistics, run folders."""
