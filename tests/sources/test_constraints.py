"""Row invariants of sources, on both paths: model validation and the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from tests.constraints import create_like
from tests.factories import SourceFactory


def source(**fields):
    """An unsaved, valid source with no publisher (a publisher is optional)."""
    return SourceFactory.build(**{"publisher": None, **fields})


PUBLISHED = datetime.date(2024, 1, 3)


def test_source_cannot_be_accessed_before_it_was_published(db):
    early = source(published_date=PUBLISHED, accessed_date=PUBLISHED - datetime.timedelta(days=1))

    with pytest.raises(ValidationError) as excinfo:
        early.full_clean()
    with pytest.raises(IntegrityError) as database:
        create_like(early)

    assert excinfo.value.message_dict["__all__"] == ["A source cannot be accessed before it was published."]
    assert "source_accessed_after_published" in str(database.value)


@pytest.mark.parametrize(
    ("published_date", "accessed_date"),
    [(PUBLISHED, PUBLISHED), (PUBLISHED, datetime.date(2024, 2, 1)), (None, PUBLISHED), (PUBLISHED, None)],
)
def test_source_accessed_on_or_after_publication_or_undated_is_accepted(db, published_date, accessed_date):
    valid = source(published_date=published_date, accessed_date=accessed_date)

    valid.full_clean()
    create_like(valid)

    assert SourceFactory._meta.model.objects.count() == 1


def test_source_slug_is_unique(db):
    SourceFactory(slug="isw-2024-01-03")
    duplicate = source(slug="isw-2024-01-03")

    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    with pytest.raises(IntegrityError):
        create_like(duplicate)

    assert excinfo.value.message_dict["slug"] == ["Source with this Slug already exists."]
