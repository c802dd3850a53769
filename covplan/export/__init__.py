"""covplan.export."""
