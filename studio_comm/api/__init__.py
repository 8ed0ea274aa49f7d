"""Qt-free client of the Magicline Open API: models, errors, rate limiting, retries.

    from studio_comm.api.client import MagiclineClient
    from studio_comm.api.ratelimit import RateLimiter
    from studio_comm.api import errors
"""
