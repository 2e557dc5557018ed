"""Everything that moves messages: Kafka, Redis, HTTP, processes, the ``vigie`` CLI.

The decisions themselves (parsing rules aside) live in the pure core, :mod:`classifiers`.
"""
