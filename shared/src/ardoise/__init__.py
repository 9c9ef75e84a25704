"""Ardoise shared package: contracts and small plumbing used by every service."""
