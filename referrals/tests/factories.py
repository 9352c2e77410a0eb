import factory

from referrals.models import Kind, Referral, Status


class ReferralFactory(factory.django.DjangoModelFactory):
    """A management referral in draft; use services to move it along."""

    class Meta:
        model = Referral

    kind = Kind.MANAGEMENT
    reason_category = "musculoskeletal"
    manager_questions = factory.LazyFunction(lambda: ["fit_for_role", "adjustments"])
    work_details = "Ward nurse, 12-hour shifts, manual handling"
    employee_agreed = True
    status = Status.DRAFT
    organisation = factory.SelfAttribute("employee.organisation")
