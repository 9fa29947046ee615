from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from harassment_portal import business_days

CONTACT_WITHIN_BUSINESS_DAYS = 5


@require_GET
def overview(request):
    received = business_days.received_on(timezone.now())
    return render(
        request,
        "dispatch/overview.html",
        {
            "received_on": received,
            "contact_by": business_days.add_business_days(received, CONTACT_WITHIN_BUSINESS_DAYS),
            "contact_within": CONTACT_WITHIN_BUSINESS_DAYS,
        },
    )
