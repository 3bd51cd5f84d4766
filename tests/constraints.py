"""Row invariants on both paths: model validation (``full_clean``) and the database (``objects.create``).
Every app's test_constraints.py asserts with these."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction


def field_values(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def create_like(instance, *, keep_id=False):
    """``objects.create()`` with the values of an unsaved instance."""
    values = {name: value for name, value in field_values(instance).items() if keep_id or name != "id"}
    with transaction.atomic():
        return type(instance).objects.create(**values)


def assert_refused(instance, message, *, field="__all__", constraint=None):
    """Both paths refuse ``instance``: model validation with ``message`` and the database's constraint
    (named ``constraint``, when given)."""
    with pytest.raises(ValidationError) as validation:
        instance.full_clean()
    assert message in validation.value.message_dict.get(field, []), validation.value.message_dict

    with pytest.raises(IntegrityError) as database:
        create_like(instance)
    if constraint:
        assert constraint in str(database.value)


def assert_accepted(instance):
    instance.full_clean()
    return create_like(instance)
