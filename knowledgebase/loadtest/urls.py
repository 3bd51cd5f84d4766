"""The product's URLs plus the benchmark's framework floor, which runs SQL read from a file.

Only the benchmark's floor server uses it (LOADTEST=1 and ROOT_URLCONF=knowledgebase.loadtest.urls,
set by benchmarks/run.py); the product's URLconf, knowledgebase.urls, has no such route.
"""

from django.urls import path

from knowledgebase import urls as product
from knowledgebase.loadtest.floor import floor

urlpatterns = [path("_bench/floor/<slug:scenario>/", floor, name="bench-floor"), *product.urlpatterns]

handler400 = product.handler400
handler404 = product.handler404
handler500 = product.handler500
