# ruff: noqa: E501 (the report's lines as Zoom writes them)
"""Reading who attended from Zoom's webinar attendee report (its CSV)."""

import pytest

from seminars import zoom_report

ATTENDEE_REPORT = """\ufeffAttendee Report
Report Generated:,"12/10/2026 16:35"
Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),# Registered,# Cancelled Registrations,Unique Viewers,Total Users,Max Concurrent Views
カスハラ対策セミナー第1回,812 3456 7890,"12/10/2026 13:58",125,4,0,3,4,3
Host Details
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name
Yes,事務局,office@example.jp,"12/10/2026 13:50","12/10/2026 16:05",135,No,Japan
Panelist Details
Attended,User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name
Yes,講師,speaker@example.jp,"12/10/2026 13:55","12/10/2026 16:00",125,Yes,Japan
Attendee Details
Attended,User Name (Original Name),First Name,Last Name,Email,Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),Is Guest,Country/Region Name
Yes,山田 花子,山田 花子,,Hanako@Example.jp,"12/01/2026 10:00:00",approved,"12/10/2026 13:59","12/10/2026 15:01",62,Yes,Japan
Yes,山田 花子,山田 花子,,hanako@example.jp,"12/01/2026 10:00:00",approved,"12/10/2026 15:10","12/10/2026 16:00",50,Yes,Japan
Yes,Taro Sato,Taro,Sato,taro@example.jp,"12/02/2026 09:00:00",approved,"12/10/2026 14:00","12/10/2026 16:00",120,Yes,Japan
No,鈴木 一郎,鈴木 一郎,,ichiro@example.jp,"12/03/2026 09:00:00",approved,--,--,--,--,--
""".encode()

PARTICIPANT_LIST = """Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest
山田 花子,hanako@example.jp,12/10/2026 01:59:00 PM,12/10/2026 04:00:00 PM,121,Yes
""".encode()


def test_the_attendee_section_says_who_attended_and_who_did_not():
    found = zoom_report.read(ATTENDEE_REPORT)
    assert found.attended == {"hanako@example.jp", "taro@example.jp"}  # not host, panelist
    assert found.absent == {"ichiro@example.jp"}


def test_a_participant_list_counts_everyone_listed_as_attended():
    found = zoom_report.read(PARTICIPANT_LIST)
    assert found.attended == {"hanako@example.jp"} and found.absent == set()


def test_a_report_saved_by_excel_in_shift_jis_is_read():
    found = zoom_report.read(ATTENDEE_REPORT.decode("utf-8-sig").encode("cp932"))
    assert "hanako@example.jp" in found.attended


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "no_header"),
        (b"just,some,columns\n1,2,3\n", "no_header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe\xfd", "encoding"),
        (b"Email,Attended\n", "no_rows"),
        (b"x" * (zoom_report.MAX_BYTES + 1), "too_large"),
    ],
)
def test_a_file_that_is_not_a_report_is_refused_with_the_reason(raw, why):
    with pytest.raises(zoom_report.ReportUnreadable) as error:
        zoom_report.read(raw)
    assert str(error.value) == why
