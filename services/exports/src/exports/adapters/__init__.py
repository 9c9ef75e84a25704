"""Exports adapters: workbook writers and other I/O edges."""
