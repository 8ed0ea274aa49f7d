"""`studio-comm relay`: receives Magicline's webhooks and appends them to the studio's
event feed in the shared journal, where the desks pick them up.

A small server on a machine with a public HTTPS address, next to the journal's
PostgreSQL. It holds no API key and never calls the API: an event only says that
something changed, and the desks read the state themselves. Layers: it uses journal/,
nothing of api/, core/, ui/ or sandbox/.
"""
