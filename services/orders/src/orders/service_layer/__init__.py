"""Service layer: one small async handler per command, and the unit of work."""
