"""The language of the open data: labels and translated text of the API and the downloads.

* ``?lang=<code>`` (a language of ``settings.LANGUAGES``) chooses it, on the API and on every download
  (an address ending in ``.csv`` or ``.json``); an unknown code is a 400 with the reason, in the body
  every filter error has (``{"lang": ["…"]}``), never silently English.
* Without ``lang``, the API follows ``Accept-Language`` (the first language of the site the header
  accepts); a download follows its address (``/uk/events/export.csv`` is Ukrainian), an unprefixed one
  is English, like the pages.
* Column names, HXL hashtags, identifiers, figures and dates never change with the language: only
  labels and the text fields that have a translation (with the English text where it is missing).

``OpenDataLanguageMiddleware`` activates the language before the page cache reads it, so the cache
keeps one copy per language, and says which it is in ``Content-Language``.
"""

from django.conf import settings
from django.http import JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from knowledgebase.serving.middleware import resolver_match

PARAMETER = "lang"
DOWNLOAD_SUFFIXES = (".csv", ".json")
BULK_FILE_URL_NAME = "data-file"


class UnknownLanguage(ValueError):
    """A ``lang`` value that names no language of the site."""


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def is_open_data(request):
    """'api' for the API, 'download' for a download, None for anything else (the pages keep their address's
    language whatever the request says)."""
    match = resolver_match(request)
    if match is None:
        return None
    if "api" in match.app_names:
        return "api"
    if match.url_name == BULK_FILE_URL_NAME:  # a bulk file's language is in its name (opendata.bulk_files)
        return None
    if request.path_info.endswith(DOWNLOAD_SUFFIXES):
        return "download"
    return None


def accepted_language(header):
    """The first language of the site that an Accept-Language header accepts, or None."""
    codes = language_codes()
    for accepted, _quality in parse_accept_lang_header(header or ""):
        base = accepted.lower().split("-")[0]
        if base in codes:
            return base
    return None


def requested_language(request, kind):
    """The language the open data of ``request`` is written in; raises UnknownLanguage for a bad ``lang``."""
    values = request.GET.getlist(PARAMETER)
    if values:
        if len(values) > 1 or values[0] not in language_codes():
            raise UnknownLanguage(
                _("Unknown language %(value)s: use one of %(codes)s.")
                % {"value": ", ".join(repr(value) for value in values), "codes": ", ".join(language_codes())}
            )
        return values[0]
    if kind == "api":
        return accepted_language(request.headers.get("Accept-Language")) or settings.LANGUAGE_CODE
    return translation.get_language()  # the download's address: /uk/… or English


class OpenDataLanguageMiddleware:
    """Activate the open data's language for the API and the downloads.

    It runs after LocaleMiddleware, which activates the language of the address. The API (unprefixed) gets
    its language at once, before the page cache, whose key includes the language. A download gets it once
    its address has been resolved (``process_view``): its address is resolved in the address's language,
    so ``/events/export.csv?lang=uk`` is still found."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        kind = is_open_data(request)
        if kind is None:
            return self.get_response(request)
        try:
            language = requested_language(request, kind)
        except UnknownLanguage as error:
            response = JsonResponse({PARAMETER: [str(error)]}, status=400)
            response["Cache-Control"] = "no-store"
            return response
        previous = translation.get_language()
        request.open_data_language = language
        if kind == "api":
            translation.activate(language)
        try:
            response = self.get_response(request)
        finally:
            translation.activate(previous)
        response["Content-Language"] = language
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        language = getattr(request, "open_data_language", None)
        if language is not None:
            translation.activate(language)
