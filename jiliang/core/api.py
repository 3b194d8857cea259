"""API plumbing shared by every router: bearer tokens, scoped lookups and JSON errors.

Every error leaves as ``{"detail": str, "errors": [{"field": str, "message": str}]}`` with a
4xx status, and the OpenAPI schema declares each one an operation can answer (``API``).
"""

from __future__ import annotations

import re
from typing import Annotated

from django.core.exceptions import (
    FieldDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI
from ninja import Schema as NinjaSchema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as RequestValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from pydantic import field_validator

from jiliang.accounts.services import token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; a revoked or unknown token is a 401."""

    def authenticate(self, request, token):
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser's session. Its CSRF check concerns requests carrying the session cookie only:
    without one nothing can sign in by session, and a missing or revoked token is then a 401,
    not a 403 "CSRF check Failed"."""

    def _get_key(self, request):
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


API_AUTH = [BearerToken(), SessionAuth()]


# What no database column can store: NUL (PostgreSQL refuses it in text) and the halves of a
# UTF-16 surrogate pair standing alone ("\ud800" in JSON), which are no characters at all.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class Schema(NinjaSchema):
    """The base of every schema: no text, nor any text inside a list or mapping, may carry what
    no database column can store (a 500 otherwise); the 422 names the field."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value):
        if _has_unstorable(value):
            raise ValueError(
                _("Text must not contain NUL characters or unpaired surrogate code points.")
            )
        return value


def _has_unstorable(value) -> bool:
    if isinstance(value, str):
        return UNSTORABLE.search(value) is not None
    if isinstance(value, dict):
        return any(map(_has_unstorable, value)) or any(map(_has_unstorable, value.values()))
    if isinstance(value, list | tuple | set):
        return any(map(_has_unstorable, value))
    return False


# An object id as clients may send it: positive and within a 64-bit column, so that a huge
# number is a 422 naming the parameter, not a database overflow.
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class Pagination(LimitOffsetPagination):
    """``limit``/``offset`` paging whose offset stays within a 64-bit integer (422 beyond)."""

    class Input(LimitOffsetPagination.Input):
        offset: int = Field(0, ge=0, le=2**62)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldError] = []


# What each error status means, as the OpenAPI schema describes it to generated clients.
ERROR_MEANINGS = {
    400: "The data breaks a rule of the domain, or the body is not valid JSON.",
    401: "No valid token and no session.",
    403: "You may not do this, or a session request came without its CSRF token.",
    404: "The object does not exist or is outside your scope.",
    409: "The object's state does not allow this step.",
    413: "The request body is too large.",
    422: "The request does not match the endpoint's schema; errors name the parameters.",
    429: "Too many requests: wait as long as Retry-After says.",
}
_BODY_SOURCES = {"body", "form", "file"}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def error_statuses(operation: Operation) -> set[int]:
    """The errors the shape of ``operation`` lets it answer, whatever its view does. A route
    declares beside its success only the others: a 409, a 400 without a body, a 403 on a read, a
    404 for an object named in the query or the body."""
    sources = {model.__ninja_param_source__ for model in operation.models}
    statuses = {422} if sources else set()
    if sources & _BODY_SOURCES:
        statuses |= {400, 413}  # a body that is not JSON, or one too large
    if "path" in sources:
        statuses.add(404)  # the path names an object the user cannot see
    if operation.auth_callbacks:
        statuses.add(401)
    cookie = any(isinstance(auth, APIKeyCookie) for auth in operation.auth_callbacks)
    if cookie and not set(operation.methods) <= _SAFE_METHODS:
        statuses.add(403)  # the session's CSRF check
    if operation.throttle_objects:
        statuses.add(429)
    return statuses


# ErrorOut as the body of a response, wrapped as django-ninja wraps each declared response model,
# so that the schema refers to one ErrorOut component whoever declared the status.
_ERROR_RESPONSE = type("ErrorResponse", (NinjaSchema,), {"__annotations__": {"response": ErrorOut}})


class _ErrorsDocumented(OpenAPISchema):
    def responses(self, operation: Operation) -> dict:
        result = super().responses(operation)
        error = self._create_schema_from_model(_ERROR_RESPONSE, mode="serialization")[0]
        content = {self.api.renderer.media_type: {"schema": error}}
        for status in error_statuses(operation) - result.keys():
            result[status] = {"description": "", "content": content}
        for status, meaning in ERROR_MEANINGS.items():
            if status in result:
                result[status]["description"] = meaning
        return dict(sorted(result.items()))


class API(NinjaAPI):
    """The NinjaAPI whose OpenAPI schema declares with each operation, as ``ErrorOut``, the
    errors it can answer: those its routes declare and those of ``error_statuses``."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _ErrorsDocumented(self, path_prefix)


def get_visible_or_404(model, request, **lookup):
    """The object if the requesting user may see it, else 404 (never 403)."""
    return get_object_or_404(model.objects.visible_to(request.user), **lookup)


def patch_data(payload: Schema, model) -> dict:
    """The fields a PATCH sent. ``null`` empties a text field that may be blank and is refused,
    naming the field, where the model has no empty value for it (never a database error)."""
    data = payload.dict(exclude_unset=True)
    for name, value in data.items():
        if value is not None:
            continue
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue  # not a model field: the endpoint reads it
        if field.null:
            continue
        if field.blank and isinstance(field, (models.CharField, models.TextField)):
            data[name] = ""
        else:
            raise ValidationError({name: _("This field cannot be null.")})
    return data


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request, status, detail, errors=()):
        return api.create_response(
            request, {"detail": str(detail), "errors": list(errors)}, status=status
        )

    @api.exception_handler(RequestValidationError)
    def request_invalid(request, exc):
        errors = [
            {"field": _field_name(error.get("loc", ())), "message": error.get("msg", "")}
            for error in exc.errors
        ]
        return respond(request, 422, _("The request is not valid."), errors)

    @api.exception_handler(ValidationError)
    def domain_invalid(request, exc):
        errors = [
            {"field": field, "message": str(message)}
            for field, messages in _error_items(exc)
            for message in messages
        ]
        return respond(request, 400, errors[0]["message"] if errors else str(exc), errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return respond(request, 401, _("Authentication required: sign in or send a valid token."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return respond(request, 403, str(exc) or _("You may not do this."))

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, _("Not found."))

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        return respond(request, 413, _("The request body is too large."))

    @api.exception_handler(Throttled)
    def throttled(request, exc):  # the operation adds Retry-After
        return respond(request, 429, _("Too many requests"))

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return respond(request, exc.status_code, str(exc))


def _field_name(location) -> str:
    """``("body", "payload", "role")`` → ``"role"``: the name the client sent."""
    parts = [str(part) for part in location[2:]] or [str(part) for part in location[1:]]
    return ".".join(parts) or "body"


def _error_items(error: ValidationError):
    if hasattr(error, "error_dict"):
        return error.message_dict.items()
    return [("__all__", error.messages)]
