"""The appraisals admin, one module per part of the domain; importing registers them all."""

from appraisals.admin import catalog, references, reviews, submissions

__all__ = ["catalog", "references", "reviews", "submissions"]
