"""Adapters: database tables and repositories, clients of other systems."""
