"""Business logic of the membership app, one module per part of the domain."""
