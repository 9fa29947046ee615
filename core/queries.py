"""Query building blocks shared by the apps."""

from __future__ import annotations

import json

from django.db import connections, models, router


def count_of(rows: models.QuerySet) -> models.Subquery:
    """The number of ``rows`` (filtered on an ``OuterRef``) as a per-row annotation.

    A correlated subquery rather than a join and GROUP BY: it counts from an index for each
    row the outer query returns (a page, a week), where the join counts every related row
    first. COUNT without GROUP BY always answers one row, so there is no NULL to replace.
    """
    counted = rows.order_by().annotate(count=models.Func("pk", function="COUNT")).values("count")
    return models.Subquery(counted, output_field=models.IntegerField())


def planned_rows(rows: models.QuerySet) -> int | None:
    """How many rows PostgreSQL's planner expects ``rows`` to hold, from its statistics,
    without reading them (an ``EXPLAIN``); None on another database."""
    if connections[rows.db].vendor != "postgresql":
        return None
    plan = json.loads(rows.order_by().values("pk").explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


def distinct_values(model: type[models.Model], field_name: str) -> list | None:
    """The distinct non-null values of a column, in order, found one index lookup at a time
    (a loose index scan) instead of reading every row as ``SELECT DISTINCT`` does: for a
    column with few values in a long table and an index that starts with it (the outbox's
    templates, the applications' fiscal years). None on another database than PostgreSQL."""
    connection = connections[router.db_for_read(model)]
    if connection.vendor != "postgresql":
        return None
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field_name).column)
    # (quoted names from the model, no values: nothing to inject)
    sql = f"""
        WITH RECURSIVE found (value) AS (
            (SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY {column} LIMIT 1)
            UNION ALL
            SELECT (
                SELECT {column} FROM {table} WHERE {column} > found.value
                ORDER BY {column} LIMIT 1
            )
            FROM found WHERE found.value IS NOT NULL
        )
        SELECT value FROM found WHERE value IS NOT NULL
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]
