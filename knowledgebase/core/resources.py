"""Shared rules for spreadsheet imports (django-import-export).

* Rows are matched on natural keys (``public_id``), so importing the same file
  twice changes nothing the second time (unchanged rows are skipped).
* New rows are drafts: an import never publishes.
* A row that would change a public record, or add to one, is an error unless
  the importing user may publish.
* Every row is validated like a form (``full_clean``); one bad row stops the
  whole file (the import runs in a transaction and rolls back).
"""

from django.core.exceptions import ValidationError
from django.db.models import CharField, TextField
from django.utils.translation import gettext as _
from import_export import resources

from knowledgebase.core.models import PUBLIC_STATUSES
from knowledgebase.core.services import ERROR_NOT_REVIEWER, can_publish


class NaturalKeyResource(resources.ModelResource):
    """Base resource: natural-key matching, draft-only creation, workflow checks, all-or-nothing."""

    #: dotted path from an instance to its publishable record ("" when the row is itself publishable)
    publishable_path = ""

    class Meta:
        import_id_fields = ("public_id",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True
        rollback_on_validation_errors = True

    def before_import_row(self, row, **kwargs):
        # Spreadsheets give empty cells as None; text columns store "" for "nothing".
        for field in self._meta.model._meta.concrete_fields:
            if isinstance(field, (CharField, TextField)) and field.name in row and row[field.name] is None:
                row[field.name] = ""
        if not str(row.get("public_id") or "").strip():
            raise ValueError(_("Give every row a public_id (letters, digits, hyphens): it is how re-imports match."))
        super().before_import_row(row, **kwargs)

    def publishable(self, instance):
        target = instance
        for attribute in filter(None, self.publishable_path.split(".")):
            target = getattr(target, attribute, None)
        return target

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        target = self.publishable(instance)
        if (
            target is not None
            and target.pk
            and target.status in PUBLIC_STATUSES
            and not can_publish(user, type(target))
        ):
            raise ValidationError(_(ERROR_NOT_REVIEWER))
        super().before_save_instance(instance, row, **kwargs)
