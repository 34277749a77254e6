"""Who may do what with annotations, beyond Django's model permissions: one answer for the
admin, the annotator's endpoints and the services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission


def can_delete_annotation(user, annotation) -> bool:
    """Analysts delete only the mentions and claims they made; editors (and superusers),
    who hold `delete_others_annotations`, delete anyone's."""
    model = type(annotation)._meta.model_name
    if not user.has_perm(f"archive.delete_{model}"):
        return False
    return annotation.created_by_id == user.pk or user.has_perm("archive.delete_others_annotations")


def _has_all(user, codenames) -> bool:
    return all(user.has_perm(f"archive.{codename}") for codename in codenames)


class AnnotatorPermission(BasePermission):
    """The annotator's endpoints (archive.admin.annotator), past the admin's staff login.

    Before anything is read, the model permissions the view names in `permissions`. Then,
    on what the view touches: its article, the view's `article_permissions`; a row about to
    be made, add_<model>; a mention or claim, change_<model>, or for a view that `deletes`,
    can_delete_annotation. The view asks once it holds the row, so a missing article is a
    404 and a bad payload a 400 before the answer depends on who asks.
    """

    message = gettext_lazy("You do not have permission to do that.")

    def has_permission(self, request, view) -> bool:
        return _has_all(request.user, view.permissions)

    def has_object_permission(self, request, view, obj) -> bool:
        model = obj._meta.model_name
        if model == "article":
            return _has_all(request.user, view.article_permissions)
        if obj.pk is None:
            return _has_all(request.user, [f"add_{model}"])
        if view.deletes:
            return can_delete_annotation(request.user, obj)
        return _has_all(request.user, [f"change_{model}"])
