"""Ukrainian dates at their precision: the day with the month in the genitive ("3 січня 2024"); a month
on its own in the nominative and, as Ukrainian writes month names, in lower case ("вересень 2022").
Numbers keep Django's Ukrainian separators (a non-breaking space between thousands, a decimal comma)."""

DAY_DATE_FORMAT = "j E Y"
MONTH_YEAR_FORMAT = "F Y"
MONTH_NAMES_LOWER_CASE = True

# What Django writes a date and a moment as where nothing else is said (the admin's lists and read-only
# fields, its history, its date drill-down): as the site writes them, "3 січня 2024", "3 січня 2024, 14:05",
# "3 січня".
DATE_FORMAT = DAY_DATE_FORMAT
DATETIME_FORMAT = "j E Y, H:i"
MONTH_DAY_FORMAT = "j E"
