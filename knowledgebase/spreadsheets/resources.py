"""Shared rules for spreadsheet imports (django-import-export), and the admin views that run them.

* Rows are matched on natural keys (``public_id``), so importing the same file twice changes nothing
  the second time (unchanged rows are skipped).
* New rows are drafts: an import never publishes.
* The review gate: for a user who may not publish, a row may not touch a published or retracted record,
  nor a record whose stored parent is public (moving a figure away from a published event), nor give a
  record a public parent. The check runs on the dry run and again on the confirm.
* Every row is validated like a form; one bad row stops the whole file (the import runs in a
  transaction and rolls back), on the dry run and on the confirm alike.
* Text cells that a spreadsheet would run as formulas are refused, escaped ones unescaped (opendata.formulas).
* Bounded: files are read within limits (spreadsheets.formats); related rows are read in a few queries per
  file, not per row; side effects of saving a row (the page cache, derived fields) run once per import,
  after its rows, and not at all for a dry run.
"""

import datetime
import logging

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, DateField, DateTimeField, TextField
from django.template.response import TemplateResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export import fields, resources, widgets
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import BINARY_FORMATS
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.instance_loaders import BaseInstanceLoader

from knowledgebase.core import derived
from knowledgebase.core.models import publishable_of
from knowledgebase.core.services import ReviewRequired, record_save
from knowledgebase.opendata.formulas import formula_refused, looks_like_formula, unescape
from knowledgebase.serving.content_version import invalidation_deferred
from knowledgebase.spreadsheets.formats import ENCODING_CHOICES, SpreadsheetError, check_size, encoding_name

logger = logging.getLogger(__name__)

BATCH = 500  # keys per IN (...) query: well under every database's limit on parameters

NO_PUBLIC_ID = gettext_lazy("Give every row a public_id (letters, digits, hyphens): it is how re-imports match.")
DUPLICATE_ROW = gettext_lazy("Row %(row)s has the same public_id (%(public_id)s): each record once per file.")
UNKNOWN_KEY = gettext_lazy("There is no %(model)s whose %(field)s is “%(value)s”.")
MISSING_COLUMNS = gettext_lazy("The first row must name the column %(columns)s: it is how rows match records.")
UNKNOWN_COLUMNS = gettext_lazy(
    "The first row names columns this import does not know: %(columns)s. Rename or remove them; the columns "
    "are %(expected)s."
)
RECORD_IS_PUBLIC = gettext_lazy(
    "This row changes %(record)s, which is %(status)s: only a reviewer can change a published or retracted record."
)
LEAVES_PUBLIC_PARENT = gettext_lazy(
    "This row moves the %(model)s away from %(record)s, which is %(status)s: only a reviewer can change what a "
    "published or retracted record holds."
)
CHANGES_PUBLIC_PARENT = gettext_lazy(
    "This row changes a %(model)s of %(record)s, which is %(status)s: only a reviewer can change what a published "
    "or retracted record holds."
)
JOINS_PUBLIC_PARENT = gettext_lazy(
    "This row adds the %(model)s to %(record)s, which is %(status)s: only a reviewer can change what a published "
    "or retracted record holds."
)
CONFIRM_INCOMPLETE = gettext_lazy("This confirmation is incomplete or out of date: upload the file again.")
UNREADABLE = gettext_lazy("This file could not be read as %(format)s. Choose the format that matches the file.")


def batches(keys):
    keys = sorted(keys)
    for start in range(0, len(keys), BATCH):
        yield keys[start : start + BATCH]


def _key(value):
    return "" if value is None else str(value).strip()


# --- Widgets and instance loader: a few queries per file --------------------------------------------


class NaturalKeyWidget(widgets.ForeignKeyWidget):
    """A foreign key named by a natural key (a slug, a code, a public_id). The rows an import names are
    read in one query per column before its rows (``preload``), and an unknown key is a clear error."""

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.found = {}

    def preload(self, values):
        wanted = {_key(value) for value in values} - {""} - self.found.keys()
        self.found.update(dict.fromkeys(wanted))
        for keys in batches(wanted):
            for obj in self.model.objects.filter(**{f"{self.field}__in": keys}):
                self.found[_key(getattr(obj, self.field))] = obj

    def lookup(self, value):
        key = _key(value)
        if key not in self.found:
            self.preload([key])
        obj = self.found[key]
        if obj is None:
            raise ValueError(UNKNOWN_KEY % {"model": self.model._meta.verbose_name, "field": self.field, "value": key})
        return obj

    def clean(self, value, row=None, **kwargs):
        return None if _key(value) == "" else self.lookup(value)


class NaturalKeysWidget(widgets.ManyToManyWidget):
    """Many-to-many by natural keys, separated by ``separator``; read like ``NaturalKeyWidget``."""

    def __init__(self, model, field="slug", separator=";", **kwargs):
        super().__init__(model, separator=separator, field=field, **kwargs)
        self.single = NaturalKeyWidget(model, field=field)

    def keys(self, value):
        return [] if _key(value) == "" else [key for key in map(_key, str(value).split(self.separator)) if key]

    def preload(self, values):
        self.single.preload(key for value in values for key in self.keys(value))

    def clean(self, value, row=None, **kwargs):
        return [self.single.lookup(key) for key in self.keys(value)]


def foreign_key(name, model, field="slug"):
    return fields.Field(column_name=name, attribute=name, widget=NaturalKeyWidget(model, field=field))


def many_to_many(name, model, field="slug"):
    return fields.Field(column_name=name, attribute=name, widget=NaturalKeysWidget(model, field=field))


class NaturalKeyLoader(BaseInstanceLoader):
    """The stored records a file names, read before its rows in a few queries (with their parents and
    other related rows, for the review gate and the preview's diff), not one query per row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.field = resource.fields[resource.get_import_id_fields()[0]]
        self.instances = {}
        if dataset is None or self.field.column_name not in (dataset.headers or []):
            return
        keys = {_key(value) for value in dataset[self.field.column_name]} - {""}
        for chunk in batches(keys):
            for obj in resource.get_queryset().filter(**{f"{self.field.attribute}__in": chunk}):
                self.instances[_key(getattr(obj, self.field.attribute))] = obj

    def get_instance(self, row):
        return self.instances.get(_key(row.get(self.field.column_name)))


# --- The resource base ---------------------------------------------------------------------------


def _describe(record):
    return f"\u201c{record}\u201d ({record.public_id})" if hasattr(record, "public_id") else f"\u201c{record}\u201d"


class NaturalKeyResource(resources.ModelResource):
    """Base resource: natural-key matching, draft-only creation, the review gate, all-or-nothing."""

    class Meta:
        import_id_fields = ("public_id",)
        instance_loader_class = NaturalKeyLoader
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    # Reading

    def get_queryset(self):
        related = [f.attribute for f in self.get_import_fields() if isinstance(f.widget, NaturalKeyWidget)]
        path = getattr(self._meta.model, "publication_parent", "")
        parent = path.replace(".", "__")
        many = [f.attribute for f in self.get_import_fields() if isinstance(f.widget, NaturalKeysWidget)]
        queryset = super().get_queryset().select_related(*filter(None, {parent, *related}))
        return queryset.prefetch_related(*many)

    def filter_export(self, queryset, **kwargs):
        related = [f.attribute for f in self.get_export_fields() if isinstance(f.widget, NaturalKeyWidget)]
        many = [f.attribute for f in self.get_export_fields() if isinstance(f.widget, NaturalKeysWidget)]
        return super().filter_export(queryset, **kwargs).select_related(*related).prefetch_related(*many)

    def check_headers(self, headers):
        """Refuse a first row that lacks the matching column or names columns this import ignores."""
        columns = [field.column_name for field in self.get_import_fields()]
        keys = [self.fields[name].column_name for name in self.get_import_id_fields()]
        missing = [column for column in keys if column not in headers]
        if missing:
            raise SpreadsheetError(MISSING_COLUMNS % {"columns": ", ".join(missing)})
        unknown = [header for header in headers if header not in columns]
        if unknown:
            raise SpreadsheetError(UNKNOWN_COLUMNS % {"columns": ", ".join(unknown), "expected": ", ".join(columns)})

    # The import as a whole

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """One transaction; any invalid row rolls every row back (on the confirm too); one cache bump and
        one refresh of derived fields after a committed import, none after a dry run."""
        kwargs["rollback_on_validation_errors"] = True
        self.importing_user = kwargs.get("user")
        with invalidation_deferred(), derived.batch(discard=True) as self.stale:
            return super().import_data(
                dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=use_transactions, **kwargs
            )

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.rows_by_key = {}
        for field in self.get_import_fields():
            if isinstance(field.widget, NaturalKeyWidget | NaturalKeysWidget) and field.column_name in dataset.headers:
                field.widget.preload(dataset[field.column_name])

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run") and not result.has_errors() and not result.has_validation_errors():
            derived.refresh(self.stale)  # in the import's transaction, before it commits

    # Each row

    def before_import_row(self, row, **kwargs):
        self.clean_cells(row)
        key = _key(row.get("public_id"))
        if not key:
            raise ValidationError({"public_id": NO_PUBLIC_ID})
        number = kwargs.get("row_number")
        first = self.rows_by_key.setdefault(key, number)
        if first != number:
            raise ValidationError({"public_id": DUPLICATE_ROW % {"row": first, "public_id": key}})
        super().before_import_row(row, **kwargs)

    def clean_cells(self, row):
        """Refuse formula-like text and unescape escaped text (opendata.formulas); an empty text cell is ""
        (not None); a date cell of a workbook (a datetime at midnight) is the date of a date column."""
        model_fields = {f.name: f for f in self._meta.model._meta.concrete_fields}
        errors = {}
        for field in self.get_import_fields():
            column, kind = field.column_name, type(model_fields.get(field.attribute))
            value = row.get(column)
            if looks_like_formula(value):
                errors[field.attribute or column] = formula_refused(column, value)
            elif value is None and issubclass(kind, CharField | TextField):
                row[column] = ""
            elif isinstance(value, datetime.datetime) and issubclass(kind, DateField) and kind is not DateTimeField:
                row[column] = value.date()
            else:
                row[column] = unescape(value)
        if errors:
            raise ValidationError(errors)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        stored = None if new else publishable_of(instance)
        instance._stored_publishable = (stored, getattr(stored, "status", None))
        instance._stored_parents = (
            {} if new else {f: getattr(instance, f) for f in derived.tracks_moves(type(instance))}
        )

    def import_instance(self, instance, row, **kwargs):
        """Field values, with unknown many-to-many keys reported as the row's errors too."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors[field.attribute] = [str(error)]
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Fields and ``clean()`` here; uniqueness and constraints are checked by the database when the
        row is saved (``do_instance_save``), which costs no query per constraint and row."""
        errors = dict(import_validation_errors or {})
        # A foreign key the widget found exists: Django would check it again with a query per key and row.
        found = {
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, NaturalKeyWidget) and getattr(instance, field.attribute, None) is not None
        }
        try:
            instance.full_clean(exclude=errors.keys() | found, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        """Through the services (the review gate, the history's attribution, derived data), in a savepoint of
        its own: a refused row is reported, and the import goes on to the next row."""
        stored, stored_status = getattr(instance, "_stored_publishable", (None, None))
        try:
            with transaction.atomic(using=self.get_db_connection_name()):
                record_save(
                    obj=instance,
                    by=self.importing_user,
                    validate=False,
                    before=getattr(instance, "_stored_parents", None),
                    stored=None if stored is instance else stored,
                    stored_status=stored_status if stored is instance else None,
                )
        except ReviewRequired as refused:
            raise ValidationError(self.review_message(instance, refused)) from refused
        except IntegrityError as refused:
            # Say why in the model's own words (its constraints' messages); they cost queries only now.
            errors = {}
            for check in (instance.validate_unique, instance.validate_constraints):
                try:
                    check()
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
            if errors:
                raise ValidationError(errors) from refused
            raise

    # The review gate (core.services.check_review): its refusal in the words of an import

    def review_message(self, instance, refused):
        record = refused.record
        if record is instance:
            message = RECORD_IS_PUBLIC
        else:
            message = {"changes": CHANGES_PUBLIC_PARENT, "leaves": LEAVES_PUBLIC_PARENT}.get(
                refused.reason, JOINS_PUBLIC_PARENT
            )
        label = dict(type(record)._meta.get_field("status").flatchoices).get(record.status, record.status)
        return message % {
            "model": instance._meta.verbose_name,
            "record": _describe(record),
            "status": str(label).lower(),
        }


# --- The admin side -------------------------------------------------------------------------------


class ImportFileForm(ImportForm):
    """The upload form, with the file's encoding and a size check before anything reads the file."""

    encoding = forms.ChoiceField(
        label=gettext_lazy("Encoding (CSV)"),
        choices=ENCODING_CHOICES,
        required=False,
        help_text=gettext_lazy(
            "UTF-8 and Windows-1252 are detected; choose Windows-1251 for a Cyrillic file saved by an older "
            "Excel. The preview says which encoding was used."
        ),
    )
    field_order = ["resource", "import_file", "format", "encoding"]

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_size(upload.size)
        except SpreadsheetError as error:
            raise forms.ValidationError(error.message) from error
        return upload


class ConfirmFileForm(ConfirmImportForm):
    encoding = forms.ChoiceField(choices=ENCODING_CHOICES, required=False, widget=forms.HiddenInput)


class SpreadsheetImportExportMixin(ImportExportMixin):
    """The admin's import and export with the site's rules: files read within limits and in the right
    encoding, problems shown as messages (never a traceback), a confirm that is all-or-nothing too, and
    exports whose text cannot run as a formula while numbers stay numbers."""

    import_form_class = ImportFileForm
    confirm_form_class = ConfirmFileForm
    import_template_name = "admin/import_export/kb_import.html"

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_import_form(request)
        context = self._dry_run(request, form) if request.POST and form.is_valid() else {}
        return self._import_page(request, form, context)

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.get_import_form_class(request)(self.get_import_formats(), self.get_import_resource_classes(request))
        confirm = self.create_confirm_form(request)
        file_format = self._format(confirm) if confirm.is_valid() else None
        if file_format is None or self._resource(confirm, request) is None:
            return self._import_page(request, form, {"import_problem": CONFIRM_INCOMPLETE})
        storage = self._storage(name=confirm.cleaned_data["import_file_name"])
        try:
            data = storage.read()
        except OSError:
            return self._import_page(request, form, {"import_problem": CONFIRM_INCOMPLETE})
        resource = self._resource(confirm, request)
        try:
            dataset = self._read(file_format, data, resource)
        except SpreadsheetError as error:
            storage.remove()
            return self._import_page(request, form, {"import_problem": error.message})
        result = resource.import_data(
            dataset,
            dry_run=False,
            raise_errors=False,
            file_name=confirm.cleaned_data["original_file_name"],
            user=request.user,
            retain_instance_in_row_result=True,
        )
        storage.remove()
        if result.has_errors() or result.has_validation_errors():
            return self._import_page(request, form, {"result": result})
        return self.process_result(result, request)

    def _dry_run(self, request, form):
        upload = form.cleaned_data["import_file"]
        data = b"".join(upload.chunks())
        file_format = self._format(form)
        resource = self._resource(form, request)
        try:
            dataset = self._read(file_format, data, resource)
        except SpreadsheetError as error:
            form.add_error("import_file", error.message)
            return {}
        result = resource.import_data(
            dataset, dry_run=True, raise_errors=False, file_name=upload.name, user=request.user
        )
        context = {"result": result, "import_encoding": encoding_name(file_format.encoding or "")}
        if not (result.has_errors() or result.has_validation_errors()):
            storage = self._storage()
            storage.save(data)
            initial = {
                "import_file_name": storage.name,
                "original_file_name": upload.name,
                "format": form.cleaned_data["format"],
                "resource": form.cleaned_data.get("resource", ""),
                "encoding": file_format.encoding or "",
            }
            context["confirm_form"] = self.get_confirm_form_class(request)(initial=initial)
        return context

    def _format(self, form):
        """The format instance the form names, with the encoding it names (None if it names none)."""
        formats = self.get_import_formats()
        try:
            format_class = formats[int(form.cleaned_data["format"])]
        except (ValueError, IndexError, KeyError):
            return None
        return format_class(encoding=form.cleaned_data.get("encoding") or None)

    def _resource(self, form, request):
        """The resource the form names (None if it names none)."""
        try:
            resource_class = self.choose_import_resource_class(form, request)
        except IndexError:
            return None
        return resource_class(**self.get_import_resource_kwargs(request))

    def _storage(self, **kwargs):
        return self.get_tmp_storage_class()(read_mode="rb", **kwargs, **self.get_tmp_storage_class_kwargs())

    @staticmethod
    def _read(file_format, data, resource):
        check_size(len(data))
        try:
            dataset = file_format.create_dataset(data)
        except SpreadsheetError:
            raise
        except Exception as error:  # a format without the site's own reader: its reader's errors, whatever they are
            logger.warning("Could not read an uploaded %s file", file_format.get_title(), exc_info=True)
            raise SpreadsheetError(UNREADABLE % {"format": file_format.get_title()}) from error
        resource.check_headers(dataset.headers)
        return dataset

    def _import_page(self, request, form, context):
        resources_ = [
            cls(**self.get_import_resource_kwargs(request)) for cls in self.get_import_resource_classes(request)
        ]
        context = {
            **self.get_import_context_data(),
            **self.admin_site.each_context(request),
            **context,
            "title": _("Import"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "fields_list": [
                (resource.get_display_name(), [f.column_name for f in resource.get_user_visible_fields()])
                for resource in resources_
            ],
            "import_error_display": self.import_error_display,
            "import_max_rows": settings.IMPORT_MAX_ROWS,
            "import_max_bytes": settings.IMPORT_MAX_BYTES,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """As the library's, but the site's formats get rows with numbers and dates as such, so that they
        neutralise text only (the library keeps native values only for its own binary formats)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        native = getattr(file_format, "native_types", False) or type(file_format) in BINARY_FORMATS
        data = self.get_data_for_export(request, queryset, force_native_type=native, **kwargs)
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data
