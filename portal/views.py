"""The portal's own pages: home per role and notifications."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from portal.home import home_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"summary": home_summary(user=request.user)})


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(request.user.notifications.all()[:100])
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(request, "portal/notifications.html", {"items": items})

