"""The review form: a score on each of the edition's criteria, the comments."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import Criterion, Review


class ReviewForm(forms.Form):
    """One radio group per criterion (its lowest to its highest score), then the comments.
    save_review checks the scores again against the criteria."""

    comment = forms.CharField(
        # Labels start with a capital, as the model form's do (verbose names do not).
        label=capfirst(Review._meta.get_field("comment").verbose_name),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=10_000,
        help_text=_("Only the committee reads it."),
    )
    comment_to_authors = forms.CharField(
        label=capfirst(_("comment for the authors (optional)")),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10_000,
        help_text=_("The organizers may pass it on to the authors with their decision."),
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = {
            self.score_field(criterion): forms.TypedChoiceField(
                label=criterion.name,
                choices=[
                    (value, str(value)) for value in range(criterion.lowest, criterion.highest + 1)
                ],
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "score-choices"}),
                help_text=_("From %(lowest)s (lowest) to %(highest)s (highest).")
                % {"lowest": criterion.lowest, "highest": criterion.highest},
            )
            for criterion in criteria
        }
        # The scores first, in the criteria's order.
        self.fields = scores | self.fields

    @staticmethod
    def score_field(criterion: Criterion) -> str:
        return f"score_{criterion.pk}"

    @classmethod
    def initial_of(cls, review: Review | None) -> dict:
        if review is None:
            return {}
        initial = {cls.score_field(score.criterion): score.value for score in review.scores.all()}
        return initial | {
            "comment": review.comment,
            "comment_to_authors": review.comment_to_authors,
        }

    @property
    def scores(self) -> dict[Criterion, int]:
        return {
            criterion: self.cleaned_data[self.score_field(criterion)] for criterion in self.criteria
        }

    @property
    def score_fields(self):
        return [self[self.score_field(criterion)] for criterion in self.criteria]

    @property
    def comment_fields(self):
        return [self["comment"], self["comment_to_authors"]]
