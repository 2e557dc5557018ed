"""Prometheus metrics of the desk API process (``vigie serve``), created on an injected registry."""

from __future__ import annotations

from typing import NamedTuple

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
AUTH_FAILURES = ("missing", "invalid", "forbidden")


class DeskMetrics(NamedTuple):
    requests: Counter
    request_seconds: Histogram
    auth_failures: Counter
    refusals: Counter
    audit_forwarded: Counter
    audit_forward_errors: Counter
    audit_backlog: Gauge
    audit_backlog_seconds: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> DeskMetrics:
        m = cls(
            requests=Counter("vigie_desk_api_requests", "Desk API requests answered, by route and status",
                             ["route", "status"], registry=registry),
            request_seconds=Histogram("vigie_desk_api_request_duration_seconds", "Desk API answer time, by route",
                                      ["route"], buckets=LATENCY_BUCKETS, registry=registry),
            auth_failures=Counter("vigie_desk_api_auth_failures", "Requests refused by authentication, by reason",
                                  ["reason"], registry=registry),
            refusals=Counter("vigie_desk_refusals", "Desk actions refused (stale lease, cap reached, ...), by code",
                             ["code"], registry=registry),
            audit_forwarded=Counter("vigie_audit_forwarded", "Audit entries acknowledged by Kafka (vigie.audit)",
                                    registry=registry),
            audit_forward_errors=Counter("vigie_audit_forward_errors", "Failed attempts to forward audit entries",
                                         registry=registry),
            audit_backlog=Gauge("vigie_audit_backlog", "Audit entries not yet acknowledged by Kafka",
                                registry=registry),
            audit_backlog_seconds=Gauge("vigie_audit_backlog_seconds",
                                        "Age of the oldest audit entry not yet acknowledged by Kafka (0 if none)",
                                        registry=registry),
        )
        for reason in AUTH_FAILURES:  # visible at 0 from the start, so rate() works at once
            m.auth_failures.labels(reason)
        return m
