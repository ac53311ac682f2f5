"""The call for contributions' pages."""

from . import review_urls

app_name = "contributions"

urlpatterns = [
    *review_urls.urlpatterns,
]
