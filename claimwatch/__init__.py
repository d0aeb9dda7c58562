"""claimwatch: watches regional news for contradictory statements about tracked weapons."""

__version__ = "0.1.0"
