"""The membership admin, one module per part of the domain; importing registers them all."""

from membership.admin import credit, plans, points, quotas

__all__ = ["credit", "plans", "points", "quotas"]
