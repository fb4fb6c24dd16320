"""golive: production-readiness walks for Go services."""

__version__ = "0.1.0"
