"""Ardoise payments service: payment settings, settlements of orders, SumUp."""
