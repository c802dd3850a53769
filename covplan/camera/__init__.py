"""covplan.camera."""
