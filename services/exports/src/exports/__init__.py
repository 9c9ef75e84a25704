"""Ardoise exports service: sales and payments read model, XLSX files, the weekly e-mail."""
