"""Locust users for the load run (bench/load.py starts them; they read the plan it writes).

BareView requests /livez, Django's whole middleware stack and nothing else; Fortunes the control page (one query,
a dozen rows, the portal's base layout, signed out: bench/views.py); MixedWorkload requests the portal's busiest
pages in the proportions of a working day, signed in with the plan's session cookies.
No wait between requests: each user is a closed loop, so requests per second is the server's throughput.
Kept free of Django: locust patches sockets with gevent, and only talks HTTP to the server under test.
"""

import json
import os
import random

from locust import FastHttpUser, constant, task

PLAN = json.loads(open(os.environ["OHWB_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115 - read once
PAGES = PLAN["pages"]
WEIGHTS = [page["weight"] for page in PAGES]


class BareView(FastHttpUser):
    wait_time = constant(0)

    @task
    def livez(self) -> None:
        self.client.get("/livez", name="bare view /livez")


class Fortunes(FastHttpUser):
    wait_time = constant(0)

    @task
    def fortunes(self) -> None:
        with self.client.get(PLAN["control_path"], name="control page (fortunes)", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class MixedWorkload(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        page = random.choices(PAGES, weights=WEIGHTS)[0]  # noqa: S311 - a workload mix, not a secret
        headers = {"Cookie": f"{PLAN['cookie_name']}={page['session']}"}
        with self.client.get(
            page["path"], name=page["name"], headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:  # a redirect to sign-in would time the wrong page
                response.failure(f"status {response.status_code}")
