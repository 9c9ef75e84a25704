"""Entrypoints: the HTTP gateway and the Kafka worker."""
