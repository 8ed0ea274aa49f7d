"""A local Magicline-compatible server: demo data, faults, webhooks. Independent of api/core/ui."""
