"""JSON encoders for JSONField."""

from django.core.serializers.json import DjangoJSONEncoder


class ReadableJSONEncoder(DjangoJSONEncoder):
    """Chinese stays Chinese in the stored JSON, so that SQLite can search it as text."""

    def __init__(self, *args, **kwargs):
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)
