"""covplan.area."""
