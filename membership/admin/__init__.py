"""The membership admin, one module per part of the domain; importing registers them all."""

from membership.admin import plans, points

__all__ = ["plans", "points"]
