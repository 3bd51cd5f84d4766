"""The admin's side of translated content: a field per language on the forms (django-modeltranslation's
``TranslationAdmin``, without its tabbed variant, whose scripts the admin's content policy would have to
allow), search over every language, and the filter that shows which records miss a translation."""

from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from knowledgebase.core.models import PublicationStatus, Publishable
from knowledgebase.core.translation import localized, missing_translation, other_languages, translated_fields

__all__ = [
    "TranslationAdmin",
    "TranslationStackedInline",
    "TranslationTabularInline",
    "in_every_language",
    "translation_filters",
    "missing_translation_counts",
]

MISSING = "missing"
COMPLETE = "complete"


def in_every_language(model, *lookups):
    """Admin ``search_fields`` with each translated field searched in every language, so that an editor
    finds a record by its English or its Ukrainian title."""
    translated = set(translated_fields(model))
    languages = [code for code, _name in settings.LANGUAGES]
    expanded = []
    for lookup in lookups:
        name = lookup.lstrip("^=@")
        prefix = lookup[: len(lookup) - len(name)]
        if name in translated:
            expanded.extend(prefix + localized(name, language) for language in languages)
        else:
            expanded.append(lookup)
    return expanded


def translation_filter(language):
    """A list filter: records whose translation into ``language`` is missing (a field has English text and
    none in the language) or complete."""
    language_name = dict(settings.LANGUAGES)[language]

    class TranslationFilter(admin.SimpleListFilter):
        title = format_lazy(_("{language} translation"), language=language_name)
        parameter_name = f"translation_{language}"

        def lookups(self, request, model_admin):
            return [(MISSING, _("missing")), (COMPLETE, _("complete"))]

        def queryset(self, request, queryset):
            missing = missing_translation(queryset.model, language)
            if self.value() == MISSING:
                return queryset.filter(missing)
            if self.value() == COMPLETE:
                return queryset.exclude(missing)
            return queryset

    TranslationFilter.__name__ = f"TranslationFilter_{language}"
    return TranslationFilter


def translation_filters():
    """One translation filter per language content is translated into."""
    return [translation_filter(language) for language in other_languages()]


def missing_translation_counts(admin_site, request):
    """For the admin index: per language, how many public records of each model whose admin offers the
    translation filter miss that translation, with the link to the filtered list. One count per model and
    language."""
    counts = []
    for language in other_languages():
        rows = []
        for model, model_admin in admin_site._registry.items():
            parameter = f"translation_{language}"
            offers_filter = any(getattr(f, "parameter_name", None) == parameter for f in model_admin.list_filter)
            if not offers_filter or not model_admin.has_view_permission(request):
                continue
            public = Q(status=PublicationStatus.PUBLISHED) if issubclass(model, Publishable) else Q()
            query = f"{parameter}={MISSING}" + (
                f"&status__exact={PublicationStatus.PUBLISHED}" if issubclass(model, Publishable) else ""
            )
            count = model.objects.filter(public & missing_translation(model, language)).count()
            opts = model._meta
            changelist = reverse(f"{admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
            rows.append({"name": opts.verbose_name_plural, "count": count, "url": f"{changelist}?{query}"})
        counts.append({"language": dict(settings.LANGUAGES)[language], "code": language, "rows": rows})
    return counts
