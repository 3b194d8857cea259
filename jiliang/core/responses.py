"""File responses shared by views and API endpoints."""

import re

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# Characters a header cannot carry (a CR or LF would end it) and a file name should not.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(content: bytes, *, filename: str, content_type: str, inline: bool = False):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(
        not inline, CONTROL_CHARACTERS.sub("", filename) or "download"
    )
    return response


def xlsx_response(content: bytes, filename: str):
    return file_response(content, filename=filename, content_type=XLSX)
