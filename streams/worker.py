"""``vigie worker``: wire Settings → model, Redis, metrics, faust app, and run until stopped."""

from __future__ import annotations

import logging
from typing import Any

import faust
from prometheus_client import CollectorRegistry, start_http_server

from classifiers.urgency import UrgencyModel
from streams.app import WorkerDeps, create_app, create_worker, register_agents
from streams.metrics import Metrics
from streams.pipeline import Triage
from streams.queues import connect, routing_policy
from streams.runtime import freeze_startup_heap, single_threaded_math
from streams.scoring import ScoringPool
from streams.settings import Settings
from streams.topics import ensure_topics


def build_worker(settings: Settings, registry: CollectorRegistry) -> faust.App:
    """Everything a worker needs, loaded once: the model, the Redis store, the metrics, the app."""
    model = UrgencyModel.load(settings.model_path)
    metrics = Metrics.create(registry)
    metrics.model.info({"version": model.version})
    policy = routing_policy(settings)  # VIGIE_DESKS, VIGIE_CRITICAL_DESK, VIGIE_AGEING_SECONDS
    store = connect(settings, policy)
    scoring = None
    if settings.scoring_processes:
        scoring = ScoringPool(settings)
        if (loaded := scoring.warm_up()) != model.version:
            raise RuntimeError(f"the scoring process loaded {loaded}, the worker {model.version}")

    def make_triage(sink: Any) -> Triage:
        return Triage(model=model, store=store, sink=sink, policy=policy, metrics=metrics,
                      raw_topic_prefix=f"{settings.topic_prefix}.raw", triaged_topic=settings.triaged_topic,
                      deadletter_topic=settings.deadletter_topic, max_payload_bytes=settings.max_payload_bytes,
                      scoring=scoring)

    app = create_app(settings)
    register_agents(app, WorkerDeps(settings=settings, make_triage=make_triage, store=store))
    return app


def run_worker(settings: Settings, loglevel: str = "WARN") -> None:
    logging.basicConfig(level=loglevel, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    ensure_topics(settings)
    single_threaded_math()  # scoring inline (VIGIE_SCORING_PROCESSES=0) or not, no spinning math threads
    registry = CollectorRegistry()
    app = build_worker(settings, registry)
    freeze_startup_heap()  # the model and faust live as long as the process: keep them out of full collections
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.metrics_host, registry=registry)
    create_worker(app, loglevel).execute_from_commandline()
