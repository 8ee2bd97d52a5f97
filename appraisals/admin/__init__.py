"""The appraisals admin, one module per part of the domain; importing registers them all."""

from appraisals.admin import catalog, reviews, submissions

__all__ = ["catalog", "reviews", "submissions"]
