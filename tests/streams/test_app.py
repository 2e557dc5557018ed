"""Which batch failures the worker retries (infrastructure) and which stop it before the ack (bugs)."""

from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from streams.app import retryable


def test_unreachable_infrastructure_is_retried() -> None:
    assert retryable(RedisConnectionError("down"))
    assert retryable(RedisTimeoutError("slow"))
    assert retryable(KafkaTimeoutError())
    assert retryable(ConnectionRefusedError())


def test_bugs_and_poison_batches_stop_the_worker() -> None:
    assert not retryable(MessageSizeTooLargeError())
    assert not retryable(ValueError("bug"))
    assert not retryable(KeyError("bug"))
