"""Displacement statistics' labels, what they include and what the source says of their date, per language (see
core.translation). The excerpt quotes the source and is not translated."""

from knowledgebase.core.translation import register
from knowledgebase.displacement.models import DisplacementStatistic

register(DisplacementStatistic, ["title", "includes", "as_of_note"])
