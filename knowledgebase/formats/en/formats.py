"""English dates at their precision: "3 January 2024", "September 2022"."""

DAY_DATE_FORMAT = "j F Y"
MONTH_YEAR_FORMAT = "F Y"
