"""Business logic of the appraisals app, one module per part of the domain."""
