"""What is synthetic, recorded beside the product's tables instead of in them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SyntheticIdRangeQuerySet(models.QuerySet):
    def of(self, model):
        return self.filter(model=model._meta.label_lower)

    def spans(self, model):
        """The ids of ``model``'s synthetic rows as inclusive (first, last) pairs in order, adjacent ones merged."""
        spans = []
        for first, last in self.of(model).order_by("first_id").values_list("first_id", "last_id"):
            if spans and first <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(last, spans[-1][1]))
            else:
                spans.append((first, last))
        return spans

    def covering(self, model, field="pk"):
        """A condition on ``field`` (a primary or foreign key) that holds for the ids of ``model``'s synthetic rows."""
        condition = Q(**{f"{field}__in": []})
        for first, last in self.spans(model):
            condition |= Q(**{f"{field}__gte": first, f"{field}__lte": last})  # foreign keys have no __range
        return condition

    def rows(self, model):
        """``model``'s synthetic rows."""
        return model._default_manager.filter(self.covering(model))


class SyntheticIdRange(models.Model):
    """A run of consecutive ids of one model's rows made by the synthetic-data generator.

    One or more per generated batch (the ids come from the table's sequence, so a batch is one run
    unless another writer took ids in between). Every id in a range is a synthetic row, never a real one.
    """

    model = models.CharField(_("model"), max_length=100, help_text=_("App label and model name, e.g. events.event."))
    first_id = models.BigIntegerField(_("first id"))
    last_id = models.BigIntegerField(_("last id"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SyntheticIdRangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("synthetic id range")
        verbose_name_plural = _("synthetic id ranges")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_id__lte=models.F("last_id")),
                name="loadtest_range_first_not_after_last",
                violation_error_message=_("The first id of a range cannot come after its last."),
            )
        ]

    def __str__(self):
        return f"{self.model} {self.first_id}–{self.last_id}"
