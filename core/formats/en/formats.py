"""Dates as the office's English-speaking staff type them: ISO first (2026-12-09), the
Japanese slash form (2026/12/09) and the British day-first form (09/12/2026)."""

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%dT%H:%M",
]
