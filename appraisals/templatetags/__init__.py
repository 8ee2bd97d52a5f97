"""Template tags of the appraisals app."""
