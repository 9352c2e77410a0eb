"""Embedded default for trying the portal on one machine (`make demo`)."""

from .base import *  # noqa: F403

DEBUG = True
