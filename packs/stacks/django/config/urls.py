"""The URL configuration: the API's routes (api/urls.py), then problem details for any other path."""
from api import errors, urls

urlpatterns = urls.urlpatterns

# Errors Django itself raises (a disallowed Host header, ...) are problem details too.
handler400 = errors.bad_request_view
handler403 = errors.forbidden_view
handler404 = errors.not_found_view
handler500 = errors.server_error_view
