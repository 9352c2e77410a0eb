import re

import pytest

from assessments import services
from notifications.models import OutboxMessage
from organisations.roles import Role
from organisations.tests.factories import member


class Check:
    def __init__(self, world, exposure_prone=False):
        self.world = world
        self.recruiter = member(Role.RECRUITER, world.trust_a)
        self.clinician = member(Role.CLINICIAN, world.oh_service)
        started = services.start_check(
            recruiter=self.recruiter,
            candidate_name="Sam Candidate",
            candidate_email="sam@example.com",
            job_role="Theatre nurse",
            exposure_prone=exposure_prone,
        )
        self.assessment = started.assessment
        self.url = started.link_url
        self.token = re.search(r"/q/([^/]+)/", started.link_url).group(1)

    def answers(self, **overrides):
        data = {
            "conditions": "no",
            "medication": "no",
            "absence": "no",
            "adjustments": "no",
            "infections": "no",
            "immunisation_history": "MMR as a child",
        }
        if self.assessment.exposure_prone:
            data["bbv_tested"] = "no"
        data.update(overrides)
        return data

    def submit(self, **overrides):
        answers = self.answers(**overrides)
        return services.save_answers(raw_token=self.token, answers=answers, submit=True)

    def message(self):
        return OutboxMessage.objects.get(template="assessments_questionnaire_link")


@pytest.fixture
def check(world):
    return Check(world)


@pytest.fixture
def epp_check(world):
    return Check(world, exposure_prone=True)
