"""Vigie's decision core: pure functions and immutable types, no I/O.

Nothing in this package may import faust, kafka, redis, aiohttp or prometheus_client,
touch the network, or read the environment (tests/classifiers/test_purity.py checks it).
"""
