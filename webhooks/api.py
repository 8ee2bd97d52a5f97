"""The partner API for webhook endpoints: register, change, delete, send a test event, see
recent deliveries. A key's endpoints are its partner's of the key's mode (sandbox or live)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

if TYPE_CHECKING:
    from rest_framework.permissions import _PermissionClass

from api.authentication import HasScope
from api.errors import ErrorSerializer
from api.models import ApiKey, Partner, Scope
from api.selectors import request_partner, request_sandbox, request_user
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.selectors import endpoint_deliveries, endpoint_of_get, endpoints_of
from webhooks.serializers import (
    WebhookDeliverySerializer,
    WebhookEndpointCreateSerializer,
    WebhookEndpointSecretSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointUpdateSerializer,
    WebhookTestSerializer,
)
from webhooks.services import (
    endpoint_create,
    endpoint_delete,
    endpoint_rotate_secret,
    endpoint_update,
    webhook_test_send,
)


def _partner_and_mode(request: Request) -> tuple[Partner, bool]:
    """The partner and mode a request acts for: the key's, or a partner account's (live)."""
    partner = request_partner(request) or request_user(request).partner
    return partner, request_sandbox(request)


class IsPartner(permissions.BasePermission):
    message = "Webhook endpoints belong to partners: use a partner API key."

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, ApiKey) or hasattr(request.user, "partner")


class PartnerView:
    required_scope = Scope.WEBHOOKS
    permission_classes: Sequence[_PermissionClass] = [HasScope, IsPartner]

    def endpoint(self, request: Request, uid: Any) -> WebhookEndpoint:
        partner, sandbox = _partner_and_mode(request)
        return endpoint_of_get(partner=partner, sandbox=sandbox, uid=uid)


class EndpointListCreate(PartnerView, generics.ListAPIView):
    """Your webhook endpoints, newest first; or register one (its secret is shown once)."""

    serializer_class = WebhookEndpointSerializer

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        partner, sandbox = _partner_and_mode(self.request)
        return endpoints_of(partner=partner, sandbox=sandbox)

    @extend_schema(
        request=WebhookEndpointCreateSerializer,
        responses={201: WebhookEndpointSecretSerializer, 400: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        body = WebhookEndpointCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        partner, sandbox = _partner_and_mode(request)
        endpoint = endpoint_create(partner=partner, sandbox=sandbox, **body.validated_data)
        data = WebhookEndpointSecretSerializer(endpoint).data
        return Response(data, status=status.HTTP_201_CREATED)


class EndpointDetail(PartnerView, APIView):
    """One of your endpoints: read it, change it (PATCH what changes), or delete it."""

    @extend_schema(responses={200: WebhookEndpointSerializer, 404: ErrorSerializer})
    def get(self, request: Request, uid: Any) -> Response:
        return Response(WebhookEndpointSerializer(self.endpoint(request, uid)).data)

    @extend_schema(
        request=WebhookEndpointUpdateSerializer,
        responses={200: WebhookEndpointSerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def patch(self, request: Request, uid: Any) -> Response:
        endpoint = self.endpoint(request, uid)
        body = WebhookEndpointUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint = endpoint_update(endpoint=endpoint, **body.validated_data)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses={204: None, 404: ErrorSerializer})
    def delete(self, request: Request, uid: Any) -> Response:
        endpoint_delete(endpoint=self.endpoint(request, uid))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EndpointRotateSecret(PartnerView, APIView):
    """A new signing secret, in force at once; the old one stops working."""

    @extend_schema(
        request=None, responses={200: WebhookEndpointSecretSerializer, 404: ErrorSerializer}
    )
    def post(self, request: Request, uid: Any) -> Response:
        endpoint = endpoint_rotate_secret(endpoint=self.endpoint(request, uid))
        return Response(WebhookEndpointSecretSerializer(endpoint).data)


class EndpointTest(PartnerView, APIView):
    """Send a test event of any type (``"test": true``, made-up data) to this endpoint."""

    @extend_schema(
        request=WebhookTestSerializer,
        responses={202: WebhookDeliverySerializer, 400: ErrorSerializer, 404: ErrorSerializer},
    )
    def post(self, request: Request, uid: Any) -> Response:
        endpoint = self.endpoint(request, uid)
        body = WebhookTestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        delivery = webhook_test_send(endpoint=endpoint, **body.validated_data)
        delivery = endpoint_deliveries(endpoint=endpoint).get(pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class EndpointDeliveries(PartnerView, generics.ListAPIView):
    """The endpoint's deliveries, newest first, each with its attempts."""

    serializer_class = WebhookDeliverySerializer

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        return endpoint_deliveries(endpoint=self.endpoint(self.request, self.kwargs["uid"]))
