"""Every public page a person can open, for the tests that go over all of them (HTML
validity, one language per page, reflow at 320 px)."""

from consultations.tests.factories import make_consultation
from dispatch.information import request_information
from dispatch.tests.factories import make_application
from seminars.tests.factories import make_seminar


def public_paths() -> list[str]:
    """The pages' paths after the language prefix, with the records they need made here: an
    open and a full seminar session, two dispatch applications (their status links: one with
    the document upload, one asked for more information, with the answer form) and a
    consultation (its case page)."""
    seminar, full = make_seminar(), make_seminar(capacity=0)
    application = make_application()
    # The status page while the office asks for more information (the answer form).
    asked = make_application(organisation_name="追加資料の組合")
    request_information(asked, by=None, what="Please send a copy of your articles.")
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
        f"dispatch/status/{asked.token}/",
        "seminars/",
        f"seminars/{seminar.pk}/",
        f"seminars/{full.pk}/",
        "seminars/my-registrations/",
    ]
