from django.conf import settings
from django.utils.translation import gettext, gettext_noop

#: The name the site is known by when SITE_NAME is not set, translated like the rest of the interface.
DEFAULT_SITE_NAME = gettext_noop("Displacement and POW Knowledge Base")


def site_name():
    """The site's name in the reader's language: the default name is translated; a name an operator sets in
    SITE_NAME is shown as set."""
    return gettext(settings.SITE_NAME) if settings.SITE_NAME == DEFAULT_SITE_NAME else settings.SITE_NAME


def site(request):
    """The site's name (header, titles, citations) and the count cap of lists."""
    return {"SITE_NAME": site_name(), "COUNT_CAP": settings.COUNT_CAP}
