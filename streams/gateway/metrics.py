"""Prometheus metrics of the gateway, created on an injected registry (never at import time)."""

from __future__ import annotations

from typing import NamedTuple

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

PRODUCE_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REJECTIONS = ("bad_signature", "too_large", "rate_limited", "overloaded", "broker_unavailable", "bad_request")


class GatewayMetrics(NamedTuple):
    requests: Counter
    rejections: Counter
    produce_seconds: Histogram
    records: Counter
    in_flight: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> GatewayMetrics:
        m = cls(
            requests=Counter("vigie_gateway_requests", "HTTP requests answered, by endpoint and status",
                             ["endpoint", "status"], registry=registry),
            rejections=Counter("vigie_gateway_rejections", "Deliveries refused, by reason", ["reason"],
                               registry=registry),
            produce_seconds=Histogram("vigie_gateway_produce_duration_seconds",
                                      "From produce to every record of a delivery acknowledged (acks=all)",
                                      buckets=PRODUCE_BUCKETS, registry=registry),
            records=Counter("vigie_gateway_records", "Kafka records produced, by network", ["network"],
                            registry=registry),
            in_flight=Gauge("vigie_gateway_in_flight", "Deliveries being produced now", registry=registry),
        )
        for reason in REJECTIONS:  # every reason visible at 0 from the start, so rate() works at once
            m.rejections.labels(reason)
        return m
