"""Removing synthetic data: exactly the recorded rows, and what hangs on them, in plain SQL.

The rows to remove are the ids recorded in ``SyntheticIdRange``. What hangs on them is found from the
models' relations, as ``QuerySet.delete()`` would find it: rows that point at them with
``on_delete=CASCADE`` (figures, participations, many-to-many links, allegations…) go first, links with
``SET_NULL`` are cleared, and a real row that points at them with ``PROTECT`` stops everything with the
reason. ``QuerySet.delete()`` itself is not used because it loads every row and sends per-row signals:
simple-history would write a "deleted" version of each synthetic event, and derived data would be
refreshed row by row; a ``DELETE … WHERE id BETWEEN`` per table through a cursor does neither, on
SQLite and PostgreSQL alike (the statements are built from quoted table and column names; every value
is a parameter). Tables whose rows only mention an id (historical records) are left alone.
"""

from django.db import connection, models, transaction

from knowledgebase.actors.models import Actor, Organization
from knowledgebase.displacement.models import DisplacementStatistic
from knowledgebase.events.models import Event
from knowledgebase.loadtest.models import SyntheticIdRange
from knowledgebase.sources.models import Source

# Each model after everything synthetic that points at it: figures (gone with their events) cite sources,
# which are published by organisations.
MARKED_MODELS = [Event, DisplacementStatistic, Source, Actor, Organization]


class ProtectedRowsError(RuntimeError):
    """A row that is not synthetic points at a synthetic one that may not go from under it."""


def remove_synthetic():
    """Delete every synthetic row and what hangs on it, in one transaction; returns the rows removed per table."""
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for model in MARKED_MODELS:
            spans = SyntheticIdRange.objects.spans(model)

            def in_spans(column, spans=spans):
                return "(" + " OR ".join([f"{column} BETWEEN %s AND %s"] * len(spans)) + ")" if spans else "(1 = 0)"

            pk = connection.ops.quote_name(model._meta.pk.column)
            delete(cursor, model, in_spans(pk), in_spans, [value for span in spans for value in span], counts)
        SyntheticIdRange.objects.all().delete()
    return counts


def delete(cursor, model, where, picks, params, counts):
    """Delete the rows of ``model`` that ``where`` selects, after what hangs on them.

    ``picks(column)`` is the condition that ``column`` holds the id of one of those rows; both take ``params``.
    """
    quote = connection.ops.quote_name
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        child, column = relation.related_model, quote(relation.field.column)
        table = quote(child._meta.db_table)
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            child_where = picks(column)
            select = f"SELECT {quote(child._meta.pk.column)} FROM {table} WHERE {child_where}"  # noqa: S608
            delete(cursor, child, child_where, lambda fk, select=select: f"{fk} IN ({select})", params, counts)
        elif on_delete is models.SET_NULL:
            cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE {picks(column)}", params)  # noqa: S608
        elif on_delete in (models.PROTECT, models.RESTRICT):
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {picks(column)}", params)  # noqa: S608
            if blocking := cursor.fetchone()[0]:
                raise ProtectedRowsError(
                    f"{blocking:,} {child._meta.verbose_name_plural} that are not synthetic refer to synthetic "
                    f"{model._meta.verbose_name_plural}: change or delete them first. Nothing was removed."
                )
        elif on_delete is not models.DO_NOTHING:
            raise NotImplementedError(f"{child._meta.label}.{relation.field.name}: on_delete={on_delete.__name__}")
    cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {where}", params)  # noqa: S608
    label = table_label(model)
    counts[label] = counts.get(label, 0) + cursor.rowcount


def table_label(model):
    """``participations``; for a many-to-many link table, its owner and field (``event countries``)."""
    owner = model._meta.auto_created
    if owner:
        field = next(field for field in owner._meta.many_to_many if field.remote_field.through is model)
        return f"{owner._meta.verbose_name} {field.verbose_name}"
    return str(model._meta.verbose_name_plural)
