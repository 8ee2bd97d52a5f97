"""Reads of the membership app, one module per part of the domain."""
