"""Who may do what with annotations, beyond Django's model permissions: one answer for the
admin, the annotator's endpoints and the services."""

from __future__ import annotations


def can_delete_annotation(user, annotation) -> bool:
    """Analysts delete only the mentions and claims they made; editors (and superusers),
    who hold `delete_others_annotations`, delete anyone's."""
    model = type(annotation)._meta.model_name
    if not user.has_perm(f"archive.delete_{model}"):
        return False
    return annotation.created_by_id == user.pk or user.has_perm("archive.delete_others_annotations")
