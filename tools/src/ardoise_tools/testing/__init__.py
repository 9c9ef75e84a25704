"""Test support shared by every service's tests: servers, processes, polling."""
