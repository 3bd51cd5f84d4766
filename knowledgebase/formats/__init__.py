"""The site's own locale formats (``FORMAT_MODULE_PATH``), one module per language, read before Django's.

Besides Django's format names, each module may set the formats of dates at their precision, which
``presentation.formatting`` reads (``locale_format``):

* ``DAY_DATE_FORMAT``: a date to the day, in running text ("3 January 2024", "3 січня 2024");
* ``MONTH_YEAR_FORMAT``: a month on its own ("September 2022", "вересень 2022");
* ``MONTH_NAMES_LOWER_CASE``: whether a month named on its own is written in lower case.

Each module also sets Django's ``DATE_FORMAT`` and ``DATETIME_FORMAT`` to the day format, so that what
Django writes without being told how (the admin's lists, read-only fields and history) reads like the site.

A language without a module here gets the English defaults of ``presentation.formatting``, with
Django's own month names and separators for that language.
"""
