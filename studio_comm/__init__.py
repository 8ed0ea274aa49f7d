"""studio-comm: communication consent and member conversations for Magicline studios."""

__version__ = "0.1.0"
