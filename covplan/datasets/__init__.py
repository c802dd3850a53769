"""covplan.datasets."""
