"""schema.org descriptions (JSON-LD) of public pages, for search engines and data catalogues."""

from django.conf import settings


def organization(org, url=None):
    data = {"@type": "Organization", "name": org.name}
    if getattr(org, "acronym", ""):
        data["alternateName"] = org.acronym
    if getattr(org, "website", ""):
        data["sameAs"] = [org.website]
    if url:
        data["url"] = url
    return data


def with_context(data):
    return {"@context": "https://schema.org", **data}


def dataset(*, name, description, url, downloads):
    """A Dataset with one DataDownload per (format, absolute URL)."""
    return with_context(
        {
            "@type": "Dataset",
            "name": name,
            "description": description,
            "url": url,
            "isAccessibleForFree": True,
            "creator": {"@type": "Organization", "name": settings.SITE_NAME},
            "distribution": [
                {"@type": "DataDownload", "encodingFormat": media_type, "contentUrl": address}
                for media_type, address in downloads
            ],
        }
    )


def iso_date(date, precision):
    """ISO 8601 at the precision the date is known: 2022-09 for a month, 2023 for a year."""
    if date is None:
        return None
    if precision == "month":
        return date.strftime("%Y-%m")
    if precision == "year":
        return str(date.year)
    return date.isoformat()


def event(event, url):
    countries = [country.code for country in event.countries.all()]
    place = {"@type": "Place", "name": event.place_name or ", ".join(c.name for c in event.countries.all())}
    if countries:
        place["address"] = {"@type": "PostalAddress", "addressCountry": countries[0]}
    if event.latitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": event.latitude, "longitude": event.longitude}
    data = {
        "@type": "Event",
        "name": event.title,
        "identifier": event.public_id,
        "url": url,
        "description": event.summary,
        "startDate": iso_date(event.start_date, event.date_precision),
        "location": place,
    }
    if event.end_date:
        data["endDate"] = iso_date(event.end_date, event.date_precision)
    return with_context(data)


def article(brief, url):
    data = {
        "@type": "Article",
        "headline": brief.title,
        "description": brief.standfirst,
        "url": url,
        "author": organization(brief.organization),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME},
        "dateModified": brief.updated_at,
    }
    if brief.published_date:
        data["datePublished"] = brief.published_date
    return with_context(data)
