from django.http import JsonResponse
from django.middleware.locale import LocaleMiddleware


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language with the switcher.

    The browser's Accept-Language is ignored: many office PCs run English-locale browsers, and
    the platform's working language must not depend on that.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class ApiJsonErrorsMiddleware:
    """Errors under /api/ leave in the API's JSON shape, including those answered before an
    endpoint runs: an unknown path (404), an unsupported method (405), an unreadable body (400).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            json_response = JsonResponse(
                {"detail": response.reason_phrase, "errors": []}, status=response.status_code
            )
            if "Allow" in response:
                json_response["Allow"] = response["Allow"]
            return json_response
        return response
