"""/api/v1/metrics/ and /api/v1/reports/board/: the same scopes and disclosure control as the pages."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from metrics import presenters, selectors, services
from metrics.definitions import KPIS
from metrics.disclosure import SUPPRESSED
from metrics.forms import NARRATIVE_SECTIONS
from metrics.models import BoardReport
from metrics.periods import last_months
from metrics.scopes import Scope, board_report_scopes, scopes_visible_to, suppresses_small_numbers
from ohwb_portal.requests import AuthenticatedApiRequest

SCOPE_PARAMS = [
    OpenApiParameter("scope", int, description="Organisation id of the scope (default: your own)"),
    OpenApiParameter("from", date, description="First day (default: 12 months ago)"),
    OpenApiParameter("to", date, description="Last day (default: today)"),
]


def _scope(request: AuthenticatedApiRequest, scopes: list[Scope] | None = None) -> Scope:
    """The scope asked for (?scope=, default the first) among `scopes` (default: the dashboard's), else 404."""
    wanted = request.query_params.get("scope")
    for scope in scopes_visible_to(request.user) if scopes is None else scopes:
        if not wanted or str(scope.organisation.pk) == wanted:
            return scope
    raise NotFound("No such scope for you.")


def _dates(request: AuthenticatedApiRequest) -> tuple[date, date]:
    try:
        end = date.fromisoformat(request.query_params["to"]) if "to" in request.query_params else date.today()
        start = (
            date.fromisoformat(request.query_params["from"])
            if "from" in request.query_params
            else date(end.year - 1, end.month, 1)
        )
    except ValueError as exc:
        raise ValidationError({"detail": "Dates are YYYY-MM-DD."}) from exc
    if start > end:
        raise ValidationError({"detail": "'from' must be on or before 'to'."})
    return start, end


class KpiRow(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    definition = serializers.CharField()
    unit = serializers.CharField()
    target = serializers.CharField()
    value = serializers.JSONField()
    meets_target = serializers.BooleanField(allow_null=True)


class KpiListView(APIView):
    @extend_schema(parameters=SCOPE_PARAMS, responses=KpiRow(many=True))
    def get(self, request: AuthenticatedApiRequest) -> Response:
        scope, (start, end) = _scope(request), _dates(request)
        suppress = suppresses_small_numbers(request.user)
        rows = []
        for code, figure in selectors.period_figures(scope, start, end).items():
            kpi = KPIS[code]
            value = presenters.shown_value(kpi, figure, suppress=suppress)
            if suppress and selectors.range_reveals_a_hidden_month(code, scope, start, end):
                value = SUPPRESSED
            rows.append(
                {
                    "code": code,
                    "name": kpi.name,
                    "kind": kpi.kind,
                    "definition": kpi.definition,
                    "unit": kpi.unit,
                    "target": kpi.target_words,
                    "value": value,
                    "meets_target": kpi.meets_target(value if isinstance(value, int | float) else None),
                }
            )
        return Response(rows)


class MonthValue(serializers.Serializer):
    month = serializers.CharField()
    value = serializers.JSONField()


class TimeseriesView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("kpi", str, required=True), *SCOPE_PARAMS], responses=MonthValue(many=True)
    )
    def get(self, request: AuthenticatedApiRequest) -> Response:
        code = request.query_params.get("kpi", "")
        if code not in KPIS:
            raise ValidationError({"kpi": f"Use one of {', '.join(KPIS)}."})
        scope, (start, end) = _scope(request), _dates(request)
        months = [m for m in last_months(240, end) if m >= start.replace(day=1)]
        suppress = suppresses_small_numbers(request.user)
        points = selectors.series(code, scope, months)
        hidden = selectors.hidden_months(code, scope) if suppress else set()
        values = presenters.monthly_values(KPIS[code], points, suppress=suppress, hidden=hidden)
        return Response([{"month": f"{m:%Y-%m}", "value": v} for (m, _), v in zip(points, values, strict=True)])


class BoardReportInput(serializers.Serializer):
    scope = serializers.IntegerField(required=False)
    narrative = serializers.DictField(child=serializers.CharField(), required=False)


class BoardReportOutput(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = BoardReport
        fields = ["id", "scope", "year_ending", "status", "requested_at", "finished_at", "download"]

    def get_download(self, obj: BoardReport) -> str | None:
        return reverse("metrics:download_report", args=[obj.pk]) if obj.status == "ready" else None


class BoardReportListView(APIView):
    @extend_schema(responses=BoardReportOutput(many=True))
    def get(self, request: AuthenticatedApiRequest) -> Response:
        return Response(BoardReportOutput(BoardReport.objects.visible_to(request.user), many=True).data)

    @extend_schema(request=BoardReportInput, responses={202: BoardReportOutput})
    def post(self, request: AuthenticatedApiRequest) -> Response:
        allowed = board_report_scopes(request.user)
        if not allowed:
            raise PermissionDenied("Your role cannot request board reports.")
        data = BoardReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = data.validated_data.get("scope")
        scope = (
            _scope(request, allowed)
            if wanted is None
            else next((s for s in allowed if s.organisation.pk == wanted), None)
        )
        if scope is None:
            raise NotFound("No such scope for you.")
        narrative = {k: v for k, v in data.validated_data.get("narrative", {}).items() if k in NARRATIVE_SECTIONS}
        report = services.request_board_report(user=request.user, scope=scope, narrative=narrative)
        return Response(BoardReportOutput(report).data, status=status.HTTP_202_ACCEPTED)


class BoardReportDetailView(APIView):
    @extend_schema(responses=BoardReportOutput)
    def get(self, request: AuthenticatedApiRequest, pk: int) -> Response:
        report = BoardReport.objects.visible_to(request.user).filter(pk=pk).first()
        if report is None:
            raise NotFound()
        return Response(BoardReportOutput(report).data)
