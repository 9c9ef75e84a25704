"""Exports domain: sales and payment figures, free of I/O."""
