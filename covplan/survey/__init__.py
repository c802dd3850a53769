"""covplan.survey."""
