import random

from aiokafka.partitioner import DefaultPartitioner, murmur2

from streams.partitioner import murmur2_many, partitions_for


def test_murmur2_of_a_batch_is_kafkas_for_every_key_length() -> None:
    rng = random.Random(7)
    keys = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 70))) for _ in range(2000)]
    keys += [b"", b"a", b"ab", b"abc", b"abcd", b"x:1234567890123456789", "fb:é€".encode()]
    assert murmur2_many(keys).tolist() == [murmur2(k) for k in keys]


def test_each_key_goes_where_the_default_partitioner_sends_it() -> None:
    rng = random.Random(11)
    keys = [f"{rng.choice(['x', 'fb', 'ig'])}:{rng.randrange(10 ** 18)}".encode() for _ in range(500)]
    for ids in ([0], [0, 1, 2, 3], list(range(12)), [3, 5, 9]):
        assert partitions_for(keys, ids) == [DefaultPartitioner()(k, ids, ids) for k in keys]


def test_a_record_without_a_key_goes_to_one_of_the_partitions() -> None:
    keys: list[bytes | None] = [None, b"a", None, b"b"] * 50
    chosen = partitions_for(keys, [4, 6])
    assert set(chosen) == {4, 6}
    assert chosen[1::2] == [DefaultPartitioner()(k, [4, 6], [4, 6]) for k in keys[1::2]]
