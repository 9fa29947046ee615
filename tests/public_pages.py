"""Every public page a person can open, for the tests that go over all of them (HTML
validity, one language per page, reflow at 320 px)."""

from consultations.tests.factories import make_consultation
from dispatch.tests.factories import make_application
from seminars.tests.factories import make_seminar


def public_paths() -> list[str]:
    """The pages' paths after the language prefix, with the records they need made here: an
    open and a full seminar session, a dispatch application (its status link) and a
    consultation (its case page)."""
    seminar, full = make_seminar(), make_seminar(capacity=0)
    application = make_application()
    consultation = make_consultation()
    return [
        "",
        "faq/",
        "privacy/",
        "accessibility/",
        "consultation/",
        "consultation/form/",
        f"consultation/case/{consultation.token}/",
        "dispatch/",
        "dispatch/apply/",
        f"dispatch/status/{application.token}/",
        "seminars/",
        f"seminars/{seminar.pk}/",
        f"seminars/{full.pk}/",
        "seminars/my-registrations/",
    ]
