"""The upload form: a CSV or XLSX file (checked by its content, size limited) and the import mode."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from redalert.imports.jobs import HeaderRejected, check_file
from redalert.imports.models import Mode
from redalert.imports.problems import reason
from redalert.imports.reading import FileRejected, max_bytes


class UploadForm(forms.Form):
    data_bytes: bytes = b""  # the file's content, once checked

    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        help_text=_("One row per case, with the documented columns in the first row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    mode = forms.ChoiceField(
        label=_("If some rows have problems"),
        choices=Mode.choices,
        initial=Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size > limit:
            raise ValidationError(reason("file_too_large", {"limit": limit // (1024 * 1024)}))
        data = upload.read()
        try:
            _table, rows = check_file(data)
            if rows == 0:
                raise FileRejected("no_rows")
        except FileRejected as rejected:
            raise ValidationError(reason(rejected.code, rejected.params)) from None
        except HeaderRejected as rejected:
            raise ValidationError(
                [
                    _("Line 1, column “%(column)s”: %(reason)s") % {"column": p.column, "reason": p.reason}
                    for p in rejected.problems
                ]
            ) from None
        self.data_bytes = data
        return upload
