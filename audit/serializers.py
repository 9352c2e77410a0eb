"""The DRF base of every serializer that shows a clinical field: serializing is reading, so it logs.

A single object writes its row when it is serialized; a list (many=True) writes one row per record
shown in one bulk insert. Without the request in the serializer's context there is nobody to log, and
it refuses rather than show the data unlogged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models.manager import BaseManager
from rest_framework import serializers

from .services import log_shown

if TYPE_CHECKING:  # for the annotation only
    from accounts.models import User

ECHO_OF_WRITE = "audit_echo_of_write"


def echo_of_write(request: Any) -> dict[str, Any]:
    """Context for the answer to a write: it shows the author what they just sent, which is not a read."""
    return {"request": request, ECHO_OF_WRITE: True}


def _logs(serializer: serializers.BaseSerializer) -> bool:
    return not serializer.context.get(ECHO_OF_WRITE, False)


def _reader(serializer: serializers.BaseSerializer) -> User:
    request = serializer.context.get("request")
    if request is None:
        raise ImproperlyConfigured(
            f"{type(serializer).__name__} shows clinical data: give it the request in its context, "
            "so that the read is logged."
        )
    return request.user


class ClinicalListSerializer(serializers.ListSerializer):
    child: ClinicalSerializer  # it is only ever ClinicalSerializer's list class

    def to_representation(self, data: Any) -> list[Any]:
        items = list(data.all() if isinstance(data, BaseManager) else data)
        if _logs(self):
            log_shown(user=_reader(self), objects=items, reason=self.child.access_reason)
        return super().to_representation(items)


class ClinicalSerializer(serializers.Serializer):
    """Put first in the bases: `class NoteOutput(ClinicalSerializer, serializers.ModelSerializer)`."""

    access_reason = "API"  # what the read was, in the log's words; subclasses say which answer it is

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        if meta is None:
            meta = type("Meta", (getattr(cls, "Meta", object),), {})
            cls.Meta = meta  # type: ignore[attr-defined]
        meta.list_serializer_class = ClinicalListSerializer  # type: ignore[union-attr]

    def to_representation(self, instance: Any) -> Any:
        if not isinstance(self.parent, ClinicalListSerializer) and _logs(self):
            log_shown(user=_reader(self), objects=[instance], reason=self.access_reason)
        return super().to_representation(instance)
