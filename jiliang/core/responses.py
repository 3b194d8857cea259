"""File responses shared by views and API endpoints."""

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(content: bytes, *, filename: str, content_type: str, inline: bool = False):
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def xlsx_response(content: bytes, filename: str):
    return file_response(content, filename=filename, content_type=XLSX)
