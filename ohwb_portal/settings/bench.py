"""Benchmarks (scripts/bench.sh): the production settings plus the `bench` commands that generate load and
measure pages. Production itself never installs them."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
