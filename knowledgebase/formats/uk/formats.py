"""Ukrainian dates at their precision: the day with the month in the genitive ("3 січня 2024"); a month
on its own in the nominative and, as Ukrainian writes month names, in lower case ("вересень 2022").
Numbers keep Django's Ukrainian separators (a non-breaking space between thousands, a decimal comma)."""

DAY_DATE_FORMAT = "j E Y"
MONTH_YEAR_FORMAT = "F Y"
MONTH_NAMES_LOWER_CASE = True
