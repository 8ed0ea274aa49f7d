"""Qt-free client of the Magicline Open API: models, errors, rate limiting, retries."""
