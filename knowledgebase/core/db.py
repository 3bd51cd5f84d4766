"""Database expressions that Django 5.2 lacks on every backend we run."""

import json

from django.db.models import Aggregate, CharField, Field, ForeignObject, Lookup, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Cast


class StringAgg(Aggregate):
    """Concatenate values with a separator: STRING_AGG on PostgreSQL, GROUP_CONCAT on SQLite."""

    function = "STRING_AGG"
    output_field = TextField()

    def __init__(self, expression, separator="; ", **extra):
        super().__init__(Cast(expression, TextField()), Value(separator, output_field=CharField()), **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra)


def joined(related_queryset, link, value, separator="; "):
    """A correlated subquery: the ``value`` of every row of ``related_queryset`` whose ``link`` is the outer
    row, joined into one string (empty rows give NULL)."""
    return Subquery(
        related_queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(joined=StringAgg(value, separator))
        .values("joined")[:1]
    )


@Field.register_lookup
class AnyOf(Lookup):
    """``field__any_of=[…]``: membership in a list passed as one parameter, however long the list.

    ``__in`` binds one parameter per value, which costs more than the query itself for the thousands of
    ids of an export chunk. PostgreSQL takes an array (= ANY); SQLite a JSON array (json_each).
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def process_rhs(self, compiler, connection):
        return "%s", [list(self.rhs)]

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, list(self.rhs)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # lhs is a column reference compiled by Django; the values travel as one parameter.
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608
        return sql, [*lhs_params, json.dumps(list(self.rhs))]


ForeignObject.register_lookup(AnyOf)
