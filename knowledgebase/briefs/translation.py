"""Briefs' texts, takeaways and recommendations per language (see core.translation)."""

from knowledgebase.briefs.models import Brief, Recommendation, Takeaway
from knowledgebase.core.translation import register, register_rows

register(Brief, ["title", "standfirst", "body"])
register(Takeaway, ["text"])
register(Recommendation, ["text"])
register_rows(Brief, "takeaways", "recommendations")
