"""The call's back office.

The edition's page (registration's WorkshopAdmin, itself the program's extended) gets the call
and its criteria as inlines: this app is above registration, so it extends that admin the way
registration extends the program's, and neither below knows of it."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from program.models import Workshop
from registration.admin.editions import WorkshopAdmin as RegistrationWorkshopAdmin

from .models import Call, Criterion
from .services.calls import add_default_criteria

# The edition's page -------------------------------------------------------------------------


class CallInline(admin.StackedInline):
    model = Call
    extra = 0
    max_num = 1
    can_delete = True
    verbose_name = verbose_name_plural = _("call for contributions")
    fields = [
        "opens_at",
        "closes_at",
        "accepts_posters",
        "accepts_talks",
        "abstract_max_words",
        "text",
        "reviewers_see_all",
        "double_blind",
    ]


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["name", "position", "lowest", "highest"]
    verbose_name_plural = _("review criteria (relevance and quality, 1–5, unless changed)")
    classes = ["collapse"]


admin.site.unregister(Workshop)


@admin.register(Workshop)
class WorkshopAdmin(RegistrationWorkshopAdmin):
    """Registration's workshop admin, plus the edition's call for contributions and the
    criteria its submissions are scored on (the defaults come with the call)."""

    inlines = [*RegistrationWorkshopAdmin.inlines, CallInline, CriterionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if Call.objects.filter(workshop=form.instance).exists():
            add_default_criteria(form.instance)
