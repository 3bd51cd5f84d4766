"""The admin's spreadsheet import and export: resources with the review gate, and safe file formats."""
