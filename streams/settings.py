"""One frozen Settings object, read from ``VIGIE_*`` environment variables once, in the CLI.

Library code receives a ``Settings`` and never reads ``os.environ`` itself. Every default is here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent

# Several secrets at once, so a secret can be rotated without downtime: VIGIE_FOO_SECRETS="new,old".
Secrets = Annotated[tuple[SecretStr, ...], NoDecode]


class Settings(BaseSettings):
    """Runtime configuration. Field ``foo_bar`` is read from ``VIGIE_FOO_BAR``."""

    model_config = SettingsConfigDict(env_prefix="VIGIE_", frozen=True, extra="forbid")

    kafka_url: str = Field("kafka://127.0.0.1:9092", description="Kafka bootstrap servers as a kafka:// DSN")
    redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis DSN (redis://, rediss://, unix://)")
    topic_prefix: str = Field("vigie", description="Topics are <prefix>.raw.<network>, .triaged, .deadletter")
    key_prefix: str = Field("vigie", description="Redis keys are {<prefix>}:...; the braces are a hash tag")
    group_id: str = Field("vigie-triage", description="Kafka consumer group of the stream processors")
    partitions: int = Field(4, ge=1, description="Partitions per raw topic when Vigie creates it")
    replication_factor: int = Field(1, ge=1, description="Replication factor when Vigie creates topics")
    model_path: Path = Field(REPO_ROOT / "models" / "urgency-v3", description="Urgency model artifact folder")
    data_dir: Path = Field(REPO_ROOT.parent / "shared" / "data", description="Labelled data for training")
    batch_size: int = Field(500, ge=1, description="Max records per processing batch")
    batch_within: float = Field(0.2, gt=0, description="Seconds to wait for a batch to fill")
    batches_in_flight: int = Field(3, ge=1, description="Batches in the worker at once: one written, others prepared")
    scoring_processes: int = Field(1, ge=0, description="Processes that parse and score next to the worker (0: inline)")
    lease_seconds: int = Field(300, ge=1, description="How long a claimed item stays leased")
    dedupe_window_seconds: int = Field(6 * 3600, ge=1, description="How long reposts fold into an item "
                                       "(a near-duplicate: this long at least, twice at most)")
    identity_ttl_seconds: int = Field(48 * 3600, ge=1, description="How long a redelivery is recognised")
    resolved_ttl_seconds: int = Field(7 * 24 * 3600, ge=1, description="How long resolved items are kept")
    max_payload_bytes: int = Field(64_000, ge=1, description="Larger records are dead-lettered")
    metrics_port: int = Field(9464, ge=0, description="Port of the worker's /metrics (0 = off)")
    metrics_host: str = Field("127.0.0.1", description="Address /metrics binds to (0.0.0.0 in a pod)")
    exporter_port: int = Field(9465, ge=1, description="Port of the exporter's /metrics")
    exporter_interval: float = Field(5.0, gt=0, description="Seconds between two exporter refreshes")
    worker_datadir: Path | None = Field(None, description="faust's data directory (default: a temp folder)")
    session_timeout: float = Field(6.0, gt=0, description="Consumer group session timeout, seconds")
    heartbeat_interval: float = Field(1.0, gt=0, description="Consumer group heartbeat interval, seconds")
    fetch_max_wait: float = Field(0.1, gt=0, description="Longest a consumer fetch waits for records, seconds")
    stream_buffer: int = Field(32_768, ge=1, description="Records a stream buffers before faust pauses fetching")
    # --- ingest gateway (vigie gateway) ---
    meta_app_secrets: Secrets = Field((), description="Meta app secrets, comma-separated (any one matching passes)")
    meta_verify_token: SecretStr | None = Field(None, description="Token Meta echoes in the GET subscription handshake")
    x_consumer_secrets: Secrets = Field((), description="X consumer secrets, comma-separated")
    ingest_secrets: Secrets = Field((), description="HMAC keys of /ingest/{network}, comma-separated")
    ingest_timestamp_tolerance: int = Field(300, ge=1, description="Max age/skew of X-Vigie-Timestamp, seconds")
    gateway_host: str = Field("127.0.0.1", description="Address the gateway binds to (0.0.0.0 in a pod)")
    gateway_port: int = Field(8080, ge=0, le=65535, description="Port of the ingest gateway")
    gateway_max_body_bytes: int = Field(1_000_000, ge=1, description="Larger deliveries are refused (413)")
    gateway_rate_per_second: float = Field(2000.0, gt=0, description="Deliveries per second per source (429 above)")
    gateway_burst: int = Field(4000, ge=1, description="Token-bucket burst per source")
    gateway_max_in_flight: int = Field(512, ge=1, description="Deliveries being produced at once (503 above)")
    gateway_produce_timeout: float = Field(5.0, gt=0, description="Seconds to get acks=all before answering 503")
    gateway_idempotent_producer: bool = Field(False, description="enable_idempotence (Apache Kafka; not Tansu)")
    # --- the agents' desk (vigie serve, vigie desk) ---
    desks: str = Field("", description="Desks as name=category,category;name=... (empty: the documented default)")
    critical_desk: str = Field("emergencies", description="The desk every priority-0 item goes to")
    ageing_seconds: int = Field(1800, ge=0, description="Waiting worth one priority level in claim order (0 = off)")
    max_lease_seconds: int = Field(1800, ge=1, description="Longest lease a claim or an extend may ask for")
    agent_max_items: int = Field(3, ge=1, description="Items one agent may hold under lease at once")
    flag_after: int = Field(3, ge=1, description="Releases + expiries after which an item is flagged to supervisors")
    audit_item_maxlen: int = Field(200, ge=10, description="Audit entries kept per item (Redis stream, approximate)")
    audit_maxlen: int = Field(1_000_000, ge=1000, description="Entries kept in the global audit stream until forwarded")
    api_host: str = Field("127.0.0.1", description="Address the desk API and console bind to (0.0.0.0 in a pod)")
    api_port: int = Field(8000, ge=0, le=65535, description="Port of the desk API and console")
    igpn_report_url: str = Field("https://www.police-nationale.interieur.gouv.fr/",
                                 description="IGPN reporting platform URL used in the complaints canned reply")

    @field_validator("meta_app_secrets", "x_consumer_secrets", "ingest_secrets", mode="before")
    @classmethod
    def _split_secrets(cls, value: Any) -> Any:
        if isinstance(value, str | SecretStr):
            text = value.get_secret_value() if isinstance(value, SecretStr) else value
            return tuple(part.strip() for part in text.split(",") if part.strip())
        return value

    def raw_topic(self, network: str) -> str:
        return f"{self.topic_prefix}.raw.{network}"

    @property
    def triaged_topic(self) -> str:
        return f"{self.topic_prefix}.triaged"

    @property
    def deadletter_topic(self) -> str:
        return f"{self.topic_prefix}.deadletter"

    @property
    def audit_topic(self) -> str:
        return f"{self.topic_prefix}.audit"

    @property
    def kafka_bootstrap(self) -> str:
        """``kafka://a:9092,b:9092`` → ``a:9092,b:9092`` (what kafka-python and aiokafka take)."""
        return self.kafka_url.removeprefix("kafka://")
