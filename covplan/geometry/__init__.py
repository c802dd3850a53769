"""covplan.geometry."""
