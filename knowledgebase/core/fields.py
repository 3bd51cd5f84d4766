"""Model fields shared by the domain apps."""

from django.db import models


class URLField(models.URLField):
    """A URL field whose form field reads a bare domain as https:// (Django 6's default, asked for now)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class CodeListField(models.Field):
    """A short, sorted list of codes (an event's country codes) kept beside a many-to-many relation, so a
    filter on it reads the row itself rather than joining: ``varchar(3)[]`` on PostgreSQL, where a GIN
    index serves ``__overlaps`` (has any of these codes) together with other columns (``btree_gin``), and
    the codes joined by spaces elsewhere (SQLite), where ``__overlaps`` matches each code as a word.

    Derived data, never entered: whoever changes the relation rebuilds it (see the model that has one).
    """

    description = "List of short codes"

    def __init__(self, *args, max_length=3, **kwargs):
        # The longest code (3: country codes; more for the keys of a table that may outgrow 999 rows).
        self.code_length = max_length
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        if self.code_length != 3:
            kwargs["max_length"] = self.code_length
        return name, path, args, kwargs

    @property
    def array_type(self):
        return f"varchar({int(self.code_length)})[]"

    def db_type(self, connection):
        return self.array_type if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            return value.split()
        return list(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        codes = sorted({str(code) for code in self.to_python(value)})
        return codes if connection.vendor == "postgresql" else " ".join(codes)


@CodeListField.register_lookup
class CodesOverlap(models.Lookup):
    """``codes__overlaps=["UA", "RU"]``: the list holds at least one of the codes."""

    lookup_name = "overlaps"
    prepare_rhs = False

    def _codes(self):
        return sorted({str(code) for code in self.rhs})

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} && %s::{self.lhs.output_field.array_type}", [*params, self._codes()]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        codes = self._codes()
        if not codes:
            return "1 = 0", []
        sql = " OR ".join(f"(' ' || {lhs} || ' ') LIKE %s" for _code in codes)
        return f"({sql})", [value for code in codes for value in (*params, f"% {code} %")]
