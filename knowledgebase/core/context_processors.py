from django.conf import settings


def site(request):
    """The site's name (header, titles, citations) and the count cap of lists."""
    return {"SITE_NAME": settings.SITE_NAME, "COUNT_CAP": settings.COUNT_CAP}
