from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from redalert.consent.choices import ConsentMethod, Decision, Purpose
from redalert.consent.models import ConsentRecord

SCAN_MAX_BYTES = 10 * 1024 * 1024
SCAN_KINDS = ((b"%PDF-", ".pdf"), (b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"))


class ConsentForm(forms.ModelForm):
    """The decisions about one or several purposes given by the same person at the same time, in one submission.

    Each purpose ticked becomes its own immutable record (records()), with the same decision, person, method,
    witness, scan and date: five purposes agreed in one conversation with the mother take one form, not five.
    """

    purpose = forms.MultipleChoiceField(
        label=_("Purposes"),
        choices=Purpose.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every purpose this person decided about now: each one is recorded separately."),
        error_messages={
            "required": _("Tick at least one purpose."),
            "invalid_choice": _("“%(value)s” is not one of the purposes."),
        },
    )

    class Meta:
        model = ConsentRecord
        fields = [
            "decision",
            "given_by_name",
            "given_by_relationship",
            "method",
            "witness_name",
            "form_scan",
            "decided_on",
            "notes",
        ]
        widgets = {
            "decided_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "purpose": forms.RadioSelect,
            "decision": forms.RadioSelect,
            "method": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("decision", "method"):
            field = cast(forms.ChoiceField, self.fields[name])
            choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
            field.choices = [choice for choice in choices if choice[0] != ""]  # radios need no "---------"
        if not self.is_bound:
            self.initial.setdefault("decided_on", timezone.localdate().isoformat())
            self.initial.setdefault("decision", Decision.GRANTED)

    def clean_decided_on(self) -> Any:
        value = self.cleaned_data["decided_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The date of the decision cannot be in the future."))
        return value

    def clean_form_scan(self) -> Any:
        scan = self.cleaned_data.get("form_scan")
        if not scan:
            return scan
        if scan.size > SCAN_MAX_BYTES:
            raise forms.ValidationError(_("The scan is too large; the limit is 10 MB."))
        head = scan.read(8)
        scan.seek(0)
        extension = next((ext for magic, ext in SCAN_KINDS if head.startswith(magic)), None)
        if extension is None:
            raise forms.ValidationError(_("The scan must be a PDF, JPEG or PNG file."))
        # Stored under a random name with the extension its content proves (the download's content type follows
        # it); the name the family's computer gave the file is never kept.
        scan.name = f"{uuid.uuid4().hex}{extension}"
        return scan

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        purposes = data.get("purpose") or []
        if purposes:
            self.instance.purpose = purposes[0]  # the model's own checks need one; records() makes one per purpose
        method = data.get("method")
        if method == ConsentMethod.VERBAL_WITNESSED and not (data.get("witness_name") or "").strip():
            self.add_error("witness_name", _("Verbal consent needs the name of the witness."))
        if (
            method == ConsentMethod.SIGNED_FORM
            and not data.get("form_scan")
            and data.get("decision") == Decision.GRANTED
        ):
            self.add_error("form_scan", _("Attach the scan of the signed form."))
        return data

    def records(self) -> list[ConsentRecord]:
        """One unsaved record per purpose ticked, all with the same decision, person, method, witness and date."""
        template = self.save(commit=False)
        made = []
        for purpose in dict.fromkeys(self.cleaned_data["purpose"]):
            record = ConsentRecord(
                purpose=purpose,
                **{name: getattr(template, name) for name in self._meta.fields or () if name != "form_scan"},
            )
            record.form_scan = template.form_scan
            made.append(record)
        return made
