from django.middleware.locale import LocaleMiddleware


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user chose another language with the switcher.

    The browser's Accept-Language is ignored: many office PCs run English-locale browsers, and
    the platform's working language must not depend on that.
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
