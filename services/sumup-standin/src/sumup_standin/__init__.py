"""A stand-in for SumUp's Checkouts API for development and tests: same endpoints and statuses."""

from sumup_standin.app import create_app
from sumup_standin.config import Settings

__all__ = ["Settings", "create_app"]
