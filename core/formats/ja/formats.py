"""Dates as Japanese staff type them (Django's own Japanese formats set none for input, so
2026/12/09 was refused): 2026/12/09, 2026-12-09 and 2026年12月9日, with a time after them for
date-times. Display formats stay Django's. The era (令和8年) is read by
``core.japanese_dates.OfficeDateField``."""

DATE_INPUT_FORMATS = ["%Y/%m/%d", "%Y-%m-%d", "%Y年%m月%d日"]
DATETIME_INPUT_FORMATS = [
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
    "%Y年%m月%d日%H:%M",
    "%Y-%m-%dT%H:%M",
]
