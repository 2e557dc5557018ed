# Developer shortcuts; each line is also a plain command you can run yourself.
.PHONY: install test unit lint typecheck demo
install:
	pip install -e '.[test]'
test:
	pytest
unit:
	pytest -m "not integration and not slow"
lint:
	ruff check classifiers streams tests benchmarks
typecheck:
	mypy classifiers streams
demo:
	vigie demo
