"""The ingest gateway: the networks' webhooks (verified), produced durably to Kafka before the 200."""
