"""relaudit: audit a social-media account's export for relationship-building behaviour."""

__version__ = "0.1.0"
