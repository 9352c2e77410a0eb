.PHONY: setup demo test stack lint

# Install everything and run the portal with demo data on the embedded default (SQLite, tasks in process).
demo: setup
	.venv/bin/python manage.py migrate --noinput
	.venv/bin/python manage.py seed_demo
	@echo "Open http://127.0.0.1:8000/ and sign in with one of the demo users above."
	.venv/bin/python manage.py runserver 127.0.0.1:8000

setup:
	bash scripts/setup.sh

# The whole test suite on PostgreSQL and Redis (found or started by scripts/services.sh).
test:
	bash scripts/test.sh

# Production stack on this machine: PostgreSQL, Redis, gunicorn, Celery worker and beat.
stack: setup
	bash scripts/stack.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy .
