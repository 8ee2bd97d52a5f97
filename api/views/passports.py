"""Passports (read; add a service or repair with the scope) and the disputes of your reports."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.errors import ErrorSerializer
from api.models import Scope
from api.selectors import dispute_visible_get, disputes_visible, request_sandbox, request_user
from api.serializers.passports import PassportSerializer, ServiceEventSerializer
from api.serializers.reports import DisputeSerializer
from disputes.models import Dispute
from passports.selectors import item_get_current
from passports.services import service_record


class PassportDetail(APIView):
    """A passport by the token in its public address (``/p/<token>/``)."""

    required_scope = Scope.REPORTS_READ

    @extend_schema(responses={200: PassportSerializer, 404: ErrorSerializer})
    def get(self, request: Request, token: str) -> Response:
        return Response(PassportSerializer(item_get_current(token=token)).data)


class PassportServiceEvent(APIView):
    """Record a service or repair on a passport (the ``passports:write`` scope)."""

    required_scope = Scope.PASSPORT_EVENTS

    @extend_schema(
        request=ServiceEventSerializer,
        responses={201: PassportSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request: Request, token: str) -> Response:
        if request_sandbox(request):
            raise PermissionDenied("A sandbox key can't change passports, which are all live.")
        item = item_get_current(token=token)
        body = ServiceEventSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        service_record(item=item, actor=request_user(request), **body.validated_data)
        item.refresh_from_db()
        return Response(PassportSerializer(item).data, status=status.HTTP_201_CREATED)


class DisputeFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=Dispute.State.choices)
    report = django_filters.UUIDFilter(field_name="report__uid")

    class Meta:
        model = Dispute
        fields = ["state", "report"]


class DisputeList(generics.ListAPIView):
    """Disputes of your reports, newest first: their state and, once resolved, the outcome."""

    required_scope = Scope.REPORTS_READ
    serializer_class = DisputeSerializer
    filterset_class = DisputeFilter

    def get_queryset(self) -> QuerySet[Dispute]:
        return (
            disputes_visible(request=self.request)
            .select_related("corrected_report")
            .order_by("-opened_at", "-id")
        )


class DisputeDetail(generics.RetrieveAPIView):
    required_scope = Scope.REPORTS_READ
    serializer_class = DisputeSerializer

    def get_object(self) -> Dispute:
        return dispute_visible_get(request=self.request, uid=self.kwargs["uid"])
