"""Query building blocks shared by the apps."""

from __future__ import annotations

from django.db import models


def count_of(rows: models.QuerySet) -> models.Subquery:
    """The number of ``rows`` (filtered on an ``OuterRef``) as a per-row annotation.

    A correlated subquery rather than a join and GROUP BY: it counts from an index for each
    row the outer query returns (a page, a week), where the join counts every related row
    first. COUNT without GROUP BY always answers one row, so there is no NULL to replace.
    """
    counted = rows.order_by().annotate(count=models.Func("pk", function="COUNT")).values("count")
    return models.Subquery(counted, output_field=models.IntegerField())
