"""Local PostgreSQL and Kafka-protocol broker for development and tests, without Docker."""
