"""English dates at their precision: "3 January 2024", "September 2022"."""

DAY_DATE_FORMAT = "j F Y"
MONTH_YEAR_FORMAT = "F Y"

# What Django writes a date and a moment as where nothing else is said (the admin's lists and read-only
# fields, its history, its date drill-down): as the site writes them, "3 January 2024", "3 January 2024, 14:05",
# "3 January".
DATE_FORMAT = DAY_DATE_FORMAT
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
