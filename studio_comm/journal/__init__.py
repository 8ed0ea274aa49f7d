"""Qt-free persistence: threads, messages, audit log, caches, on SQLite or PostgreSQL."""
