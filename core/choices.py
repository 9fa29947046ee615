"""Choices shared by the services' forms and statistics."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Industry(models.TextChoices):
    RETAIL = "retail", _("Retail")
    FOOD_SERVICE = "food_service", _("Restaurants and food service")
    ACCOMMODATION = "accommodation", _("Accommodation and tourism")
    MEDICAL = "medical", _("Medical care")
    NURSING_WELFARE = "nursing_welfare", _("Nursing care and welfare")
    EDUCATION = "education", _("Education and childcare")
    TRANSPORT = "transport", _("Transport and logistics")
    FINANCE = "finance", _("Finance and insurance")
    IT_TELECOM = "it_telecom", _("Information and telecommunications")
    CALL_CENTRE = "call_centre", _("Call centres and customer support")
    REAL_ESTATE = "real_estate", _("Real estate and construction")
    MANUFACTURING = "manufacturing", _("Manufacturing and wholesale")
    PERSONAL_SERVICES = "personal_services", _("Personal services (beauty, fitness and others)")
    LEISURE = "leisure", _("Entertainment and leisure")
    PUBLIC_SERVICE = "public_service", _("Public services and local government")
    OTHER = "other", _("Other")
