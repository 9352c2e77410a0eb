"""factory_boy factories for organisations, users and staff records."""

from datetime import date

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from organisations.models import Employee, Membership, Organisation, ServiceAssignment
from organisations.roles import OrganisationKind, Role, ServiceLine


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n} NHS Foundation Trust")
    ods_code = factory.Sequence(lambda n: f"T{n:04d}")
    kind = OrganisationKind.TRUST


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.MANAGER


class ServiceAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAssignment

    oh_service = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.OH_SERVICE)
    client = factory.SubFactory(OrganisationFactory)
    service_line = ServiceLine.GENERAL_OH


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    organisation = factory.SubFactory(OrganisationFactory)
    esr_number = factory.Sequence(lambda n: f"{10000000 + n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = date(1980, 5, 17)
    staff_group = "nursing_midwifery"
    job_role = "Staff Nurse"


def member(role: str, organisation: Organisation, username: str | None = None) -> User:
    """A user holding one role in one organisation, acting in it, with a TOTP device if the role needs one."""
    user = UserFactory(**({"username": username} if username else {}))
    membership = MembershipFactory(user=user, organisation=organisation, role=role)
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    return user


def confirmed_totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="test", confirmed=True)
