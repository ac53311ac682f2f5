"""Certificates of attendance in the back office: the list of those issued (to look one up, or
revoke it), and the signature printed on an edition's certificates (WorkshopAdmin's inline).
They are issued from the registrations' list (its actions) or by the person's own download."""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Certificate, CertificateSignature


class CertificateSignatureInline(admin.StackedInline):
    """The signature on the edition's certificates: an image checked by its content
    (images.check_signature_image, the field's validator) and the name printed under it."""

    model = CertificateSignature
    fields = ["image", "signed_by"]
    max_num = 1
    extra = 0


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "workshop", "days_attended", "issued_at", "revoked_at"]
    list_filter = ["workshop", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["workshop"]
    search_fields = ["code", "name"]
    fields = ["code", "name", "workshop", "days_attended", "language", "issued_at", "revoked_at"]
    readonly_fields = ["code", "name", "workshop", "days_attended", "language", "issued_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # issued from the registrations (services.issue_certificates)

    @admin.display(description=_("days attended"))
    def days_attended(self, obj):
        return ", ".join(day.isoformat() for day in obj.attended_days)

    @admin.action(description=_("Revoke selected certificates"), permissions=["change"])
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request,
            gettext("%(count)s certificate(s) revoked.") % {"count": count},
            messages.SUCCESS,
        )
