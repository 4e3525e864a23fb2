"""Fixtures shared across the suite."""

pytest_plugins = ["tests.aws_fakes", "tests.opensearch_support", "tests.trino_support"]
