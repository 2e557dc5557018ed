"""The agents' desk: the HTTP API and web console (``vigie serve``), bearer-token auth, canned replies and the
audit trail's way to Kafka. The queue operations themselves live in :mod:`streams.queues` (Lua, atomic)."""
