from referrals.tests.conftest import case  # noqa: F401  (the case fixture, reused)
