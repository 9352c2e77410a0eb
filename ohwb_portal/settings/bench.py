"""Benchmarks (scripts/bench.sh): the production settings plus the `bench` app: the commands that generate load and
measure pages, and the load run's control page (bench/urls.py). Production itself never installs them."""

from .production import *  # noqa: F403
from .production import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
