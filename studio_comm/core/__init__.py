"""Qt-free use cases: preference editing, messaging, search, consent review."""
