"""Content fields entered per language (django-modeltranslation): a column per language beside the original.

English is the language every record has; a missing translation falls back to it (settings
MODELTRANSLATION_FALLBACK_LANGUAGES) and the page says so (``presentation`` tag ``untranslated``).
"""

import functools
import gettext

import pycountry
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Exists, F, OuterRef, Q, Subquery, TextField, Value
from django.db.models.constants import LOOKUP_SEP
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation
from modeltranslation.manager import MultilingualQuerySet
from modeltranslation.translator import NotRegistered, TranslationOptions, translator
from modeltranslation.utils import build_localized_fieldname, get_language, resolution_order

from knowledgebase.core.models import Country, Theme


class ContentTranslationOptions(TranslationOptions):
    """Translated fields are required in English only, as the original field is."""

    required_languages = (settings.MODELTRANSLATION_DEFAULT_LANGUAGE,)


class UniqueNameTranslationOptions(ContentTranslationOptions):
    """For a name unique per language: an empty translation is stored as NULL, so that many untranslated rows
    never collide on an empty string."""

    empty_values = {"name": None}


def register(model, fields, base=ContentTranslationOptions, **options):
    """Register ``model``'s ``fields`` for translation, and its revision history's model with them, so that a
    revision keeps every language and a revert restores them."""
    options_class = type(f"{model.__name__}TranslationOptions", (base,), {"fields": tuple(fields), **options})
    models = [model]
    history = getattr(model._meta, "simple_history_manager_attribute", None)
    if history is not None:
        models.append(getattr(model, history).model)
    for registered in models:
        translator.register(registered, options_class)
        for field in fields:
            _english_original(registered, field)
    if history is not None:
        _translated_revisions(models[1], fields)


def _translated_revisions(history_model, fields):
    """simple_history fixes a revision's fields when the model class is made, before the translation columns
    exist: add them to the fields it diffs, and to the record it rebuilds for a revert, so that diffs show a
    change of translation and a revert restores every language."""
    languages = [code for code, _name in settings.LANGUAGES]
    columns = [localized(field, language) for field in fields for language in languages]
    history_model.tracked_fields = [
        *history_model.tracked_fields,
        *(history_model._meta.get_field(column) for column in columns),
    ]
    rebuild = history_model.instance.fget

    def instance(revision):
        record = rebuild(revision)
        for column in columns:
            setattr(record, column, getattr(revision, column))
        return record

    history_model.instance = property(instance)


def _english_original(model, field_name):
    """Save the English text in the original column, whatever the active language: queries, indexes and
    bulk files that read ``title`` read English (modeltranslation would store the active language's text)."""
    field = model._meta.get_field(field_name)
    english = build_localized_fieldname(field_name, settings.MODELTRANSLATION_DEFAULT_LANGUAGE)

    def pre_save(instance, add):
        value = getattr(instance, english)
        return value if value not in (None, "") else getattr(instance, field.attname)

    field.pre_save = pre_save


def other_languages():
    """The languages content is translated into: every language of the site but the default one."""
    return [code for code, _name in settings.LANGUAGES if code != settings.MODELTRANSLATION_DEFAULT_LANGUAGE]


def translated_fields(model):
    """The names of ``model``'s fields entered per language (empty when none are)."""
    try:
        return list(translator.get_options_for_model(model).get_field_names())
    except NotRegistered:
        return []


def localized(field, language):
    return build_localized_fieldname(field, language)


_translated_rows = {}


def register_rows(model, *related_names):
    """Count ``model``'s rows under ``related_names`` (a brief's takeaways) as part of its text: a record
    whose rows miss a translation misses one."""
    _translated_rows.setdefault(model, []).extend(related_names)


def missing_translation(model, language):
    """A filter for the rows of ``model`` with a field that has English text but none in ``language``, or
    with such a row (``register_rows``)."""
    default = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    missing = Q(pk__in=[])
    for field in translated_fields(model):
        has_english = Q(**{f"{localized(field, default)}__gt": ""})
        lacks_language = Q(**{f"{localized(field, language)}__isnull": True}) | Q(**{localized(field, language): ""})
        missing |= has_english & lacks_language
    for name in _translated_rows.get(model, ()):
        relation = model._meta.get_field(name)
        rows = relation.related_model.objects.filter(**{relation.field.name: OuterRef("pk")})
        missing |= Exists(rows.filter(missing_translation(relation.related_model, language)))
    return missing


def _plain_queries(queryset):
    """Querysets of translated models query the columns they name, as Django's do.

    modeltranslation would rewrite every lookup, ``values()`` and ordering to the active language's column:
    a filter on ``name`` would then miss the English name on a Ukrainian page, ``Meta.ordering`` would become
    an explicit ordering that an aggregate groups by, and ``values(alias=...)`` would select every column.
    Here ``title`` in a query is the original column, which always holds the English text (see
    ``_english_original``); ``title_uk`` names the Ukrainian one, and ``.rewrite()`` opts in to rewriting.
    Model instances still read in the reader's language with the English fallback."""
    queryset._rewrite = False
    queryset._populate = None


_update = MultilingualQuerySet.update


def _update_english_too(queryset, **values):
    """``update(title=...)`` writes the English column with the original one, as a save does."""
    for field in translated_fields(queryset.model):
        if field in values:
            values.setdefault(localized(field, settings.MODELTRANSLATION_DEFAULT_LANGUAGE), values[field])
    return _update(queryset, **values)


MultilingualQuerySet._post_init = _plain_queries
MultilingualQuerySet.update = _update_english_too


def shown_language(obj, field, language=None):
    """The language ``obj.<field>`` is shown in for a reader of ``language`` (the active one by default): that
    language, or the fallback (English) when it has no text, or None when there is no text at all."""
    language = language or get_language()
    descriptor = getattr(type(obj), field, None)
    if not hasattr(descriptor, "fallback_languages"):
        return None  # not a translated field: nothing to say about its language
    for candidate in resolution_order(language, descriptor.fallback_languages):
        value = getattr(obj, localized(field, candidate), None)
        if value not in (None, ""):
            return candidate
    return None


def falls_back(obj, field, language=None):
    """True when ``obj.<field>`` has text, but not in the reader's language: the page shows the English."""
    language = language or get_language()
    shown = shown_language(obj, field, language)
    return shown is not None and shown != language


def untranslated_fields(obj, language=None):
    """The translated fields of ``obj`` a reader of ``language`` sees in English, for want of a translation."""
    return [field for field in translated_fields(type(obj)) if falls_back(obj, field, language)]


register(Country, ["name"])
register(Theme, ["name", "description"], base=UniqueNameTranslationOptions)


def _localized_path(model, path, language):
    """``path`` (a field path of ``model``) with its last field in ``language``'s column, or None when that
    field is not entered per language (or the path names no field: an annotation, say)."""
    *relations, name = path.split(LOOKUP_SEP)
    target = model
    try:
        for relation in relations:
            target = target._meta.get_field(relation).related_model
            if target is None:
                return None
    except FieldDoesNotExist:
        return None
    if name not in translated_fields(target):
        return None
    return LOOKUP_SEP.join([*relations, localized(name, language)])


def in_language(value, model, language=None):
    """``value`` (a field path or an expression over ``model``) reading every field entered per language in
    the active language, with the English text (the original column) where it has none: a download in
    Ukrainian has Ukrainian titles and names, in the same columns, by the Python writer and by COPY alike.
    Other values (identifiers, figures, dates, slugs) are left as they are."""
    language = language or translation.get_language()
    if language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE or language not in dict(settings.LANGUAGES):
        return value
    path = value if isinstance(value, str) else value.name if type(value) is F else None
    if path is not None:
        column = _localized_path(model, path, language)
        if column is None:
            return value
        return Coalesce(NullIf(F(column), Value("")), F(path), output_field=TextField())
    if hasattr(value, "get_source_expressions") and not isinstance(value, Subquery):  # a subquery keeps its own
        value = value.copy()
        value.set_source_expressions(
            [in_language(source, model, language) for source in value.get_source_expressions()]
        )
    return value


@functools.cache
def _iso_3166_names(language):
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(english_name):
    """A country's name in the active language, without a query, as the iso-codes project translates ISO
    3166-1 (shipped with pycountry; the Ukrainian names of the country rows come from it too): for text
    that does not come from a country row, such as the shapes of the world atlas."""
    language = translation.get_language()
    if not language or language == settings.MODELTRANSLATION_DEFAULT_LANGUAGE:
        return english_name
    return _iso_3166_names(language).gettext(english_name)
