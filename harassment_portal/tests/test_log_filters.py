"""Secret personal links never reach a log line."""

import logging

from harassment_portal.log_filters import RedactSecretLinks


def test_personal_links_are_redacted_in_log_records():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", "/ja/seminars/registration/Ijk3ZGY:1xX:abc/"),
        None,
    )
    assert RedactSecretLinks().filter(record)
    assert record.getMessage() == "Not Found: /ja/seminars/registration/[redacted]/"
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET /en/dispatch/status/secret-token/ HTTP/1.1" 200',
        (),
        None,
    )
    RedactSecretLinks().filter(record)
    assert "secret-token" not in record.getMessage()


def test_an_admin_search_term_is_redacted():
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET /admin/consultations/consultation/?status=received&q=taro%40example.jp HTTP/1.1" 200',
        (),
        None,
    )
    RedactSecretLinks().filter(record)
    assert "taro" not in record.getMessage()
    # Every query of an admin page: a changelist filter may name an address or a token too.
    assert "/admin/consultations/consultation/?[redacted] HTTP/1.1" in record.getMessage()
