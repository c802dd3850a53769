"""covplan.optimise."""
